namespace Daedalus.Pipeline;

/// <summary>How a delivery of a pull request ended.</summary>
public enum PullOutcomeKind
{
    /// <summary>This delivery claimed its part of the run and pulled it.</summary>
    Pulled,

    /// <summary>Another process holds the source's pull lock (a pull of another run, or <c>daedalus sync</c>).</summary>
    Locked,

    /// <summary>The run is not waiting for this part: a duplicated or redelivered request whose part was already pulled.</summary>
    Duplicate,

    /// <summary>The request names a run that does not exist (deleted history, or a request made by hand).</summary>
    NoRun,

    /// <summary>The run was cancelled while its request waited on the queue: the request is dropped (completed, not poisoned).</summary>
    Cancelled,
}

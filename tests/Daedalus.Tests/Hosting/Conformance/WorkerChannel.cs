using System.Collections.Concurrent;
using System.Threading.Channels;
using Daedalus.Tests.Hosting.Conformance.Rpc;

namespace Daedalus.Tests.Hosting.Conformance;

/// <summary>
/// The host's end of one worker's <c>EventStream</c>: messages to send, and the worker's answers matched to the
/// request that awaits them (init, metadata, a function's load, an invocation). Keeps the worker's recent logs
/// (<c>RpcLog</c>) for failure messages.
/// </summary>
public sealed class WorkerChannel
{
    private readonly Channel<StreamingMessage> _outgoing = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _pending = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<StartStream> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _logs = new();

    public WorkerChannel(string workerId) => WorkerId = workerId;

    /// <summary>The id the host gave the worker on its command line; its StartStream must name it.</summary>
    public string WorkerId { get; }

    /// <summary>Completes when the worker has opened the stream and said StartStream with its id.</summary>
    public Task<StartStream> Connected => _connected.Task;

    public ChannelReader<StreamingMessage> Outgoing => _outgoing.Reader;

    /// <summary>The worker's last 200 log lines (level, category, message, exception message).</summary>
    public string RecentLogs => string.Join('\n', _logs);

    /// <summary>Sends a message that has no answer (e.g. WorkerTerminate); dropped when the stream has ended.</summary>
    public void Send(StreamingMessage message) => _outgoing.Writer.TryWrite(message);

    /// <summary>Sends <paramref name="request"/> and waits for the worker's message that <paramref name="key"/> names.</summary>
    public async Task<StreamingMessage> RequestAsync(StreamingMessage request, string key, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var answer = _pending.GetOrAdd(key, _ => new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _outgoing.Writer.WriteAsync(request, cancellationToken);
        try
        {
            return await answer.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the worker did not answer {key} within {timeout.TotalSeconds:0} s; its recent logs:\n{RecentLogs}");
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }

    /// <summary>Key of the answer to an init request.</summary>
    public const string InitKey = "init";

    /// <summary>Key of the answer to a metadata request.</summary>
    public const string MetadataKey = "metadata";

    public static string LoadKey(string functionId) => "load:" + functionId;

    public static string InvocationKey(string invocationId) => "invocation:" + invocationId;

    /// <summary>One message from the worker.</summary>
    public void Receive(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.StartStream:
                if (message.StartStream.WorkerId == WorkerId)
                {
                    _connected.TrySetResult(message.StartStream);
                }
                else
                {
                    _connected.TrySetException(new InvalidOperationException($"StartStream named worker '{message.StartStream.WorkerId}', not the '{WorkerId}' the host started"));
                }

                break;
            case StreamingMessage.ContentOneofCase.WorkerInitResponse:
                Complete(InitKey, message);
                break;
            case StreamingMessage.ContentOneofCase.FunctionMetadataResponse:
                Complete(MetadataKey, message);
                break;
            case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                Complete(LoadKey(message.FunctionLoadResponse.FunctionId), message);
                break;
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                Complete(InvocationKey(message.InvocationResponse.InvocationId), message);
                break;
            case StreamingMessage.ContentOneofCase.RpcLog:
                var log = message.RpcLog;
                _logs.Enqueue($"{log.Level} {log.Category}: {log.Message}{(log.Exception is null ? "" : " | " + log.Exception.Message)}");
                while (_logs.Count > 200)
                {
                    _logs.TryDequeue(out _);
                }

                break;
            default:
                break;
        }
    }

    /// <summary>The stream ended (the worker exited or disconnected): nothing pending will be answered.</summary>
    public void Close(Exception? error)
    {
        var reason = new InvalidOperationException($"the worker's EventStream ended{(error is null ? "" : ": " + error.Message)}; its recent logs:\n{RecentLogs}", error);
        _connected.TrySetException(reason);
        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(reason);
        }

        _outgoing.Writer.TryComplete();
    }

    private void Complete(string key, StreamingMessage message)
    {
        if (_pending.TryGetValue(key, out var answer))
        {
            answer.TrySetResult(message);
        }
    }
}

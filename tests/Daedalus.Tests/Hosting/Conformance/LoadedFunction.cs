namespace Daedalus.Tests.Hosting.Conformance;

/// <summary>A function the worker indexed and then loaded: its id (the worker's), name and bindings.</summary>
public sealed record LoadedFunction(string Id, string Name, IReadOnlyList<RawBinding> Bindings)
{
    public RawBinding Trigger => Bindings.Single(b => b.Direction == Rpc.BindingInfo.Types.Direction.In && b.IsTrigger);
}

namespace Daedalus.Hosting;

/// <summary>A trigger by function name: kind (<c>timer</c>, <c>queue</c>, <c>http</c>) and its target (schedule, queue name, or <c>METHOD route</c>).</summary>
public sealed record HostTrigger(string Function, string Kind, string Target);

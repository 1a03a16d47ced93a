using Daedalus.Alerting;

namespace Daedalus.Configuration;

/// <summary>A loaded daedalus.yaml: its sources and its global notification channels.</summary>
public sealed record DaedalusConfig(IReadOnlyList<SourceDefinition> Sources, IReadOnlyList<NotificationChannelDefinition> Notifications);

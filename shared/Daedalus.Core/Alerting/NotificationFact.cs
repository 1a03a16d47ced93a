namespace Daedalus.Alerting;

/// <summary>One labelled value shown with a notification (e.g. "Rows read" → "1,204").</summary>
public sealed record NotificationFact(string Name, string Value);

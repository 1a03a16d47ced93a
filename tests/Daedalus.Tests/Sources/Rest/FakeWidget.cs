namespace Daedalus.Tests.Sources.Rest;

/// <summary>
/// One record of the fake API's widgets. <see cref="Amount"/> is the JSON number's exact text (some beyond what a
/// decimal or a double holds); <see cref="AmountIsText"/> sends it as a string instead (an undecodable cell when
/// it is not a number).
/// </summary>
public sealed record FakeWidget(long Id, string Name, string Amount, DateTimeOffset UpdatedAt, bool AmountIsText = false);

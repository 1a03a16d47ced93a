namespace Daedalus.Tests.Sources.Rest;

/// <summary>
/// A fault the fake API answers instead of the real page: for requests whose path starts with <see cref="PathPrefix"/>, after <see cref="After"/> good ones, <see cref="Times"/> times.
/// <see cref="RawBody"/>, when set, is sent as is instead of <see cref="Body"/> (bytes that are not UTF-8).
/// </summary>
public sealed record FakeRestFault(string PathPrefix, int Status, string Body, int After, int Times, int? RetryAfterSeconds = null, byte[]? RawBody = null)
{
    public int Seen { get; set; }

    public int Served { get; set; }
}

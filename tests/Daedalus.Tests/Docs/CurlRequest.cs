using System.Net.Http.Headers;
using System.Text;

namespace Daedalus.Tests.Docs;

/// <summary>
/// A documented <c>curl</c> command as an HTTP request, sent from C# (the tests do not need curl installed). Only
/// the flags the docs use are understood: <c>-s -S -i</c> (output only), <c>-X/--request</c>,
/// <c>-H/--header</c>, <c>-d/--data/--data-raw</c> and <c>--data-binary</c> (<c>@file</c> relative to the
/// repository); any other flag is a <see cref="FormatException"/>, so a doc cannot show a request the test
/// would send differently.
/// </summary>
public sealed record CurlRequest(HttpMethod Method, Uri Url, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[]? Body)
{
    private static readonly HashSet<char> OutputOnlyFlags = ['s', 'S', 'i'];

    /// <param name="words">The command's words after <c>curl</c>.</param>
    /// <param name="repository">Where <c>--data-binary @file</c> paths start.</param>
    public static CurlRequest Parse(IReadOnlyList<string> words, string repository)
    {
        string? method = null;
        string? url = null;
        var headers = new List<KeyValuePair<string, string>>();
        byte[]? body = null;
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            switch (word)
            {
                case "-X" or "--request":
                    method = Value();
                    break;
                case "-H" or "--header":
                    var header = Value();
                    var colon = header.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0)
                    {
                        throw new FormatException($"curl header without a name: {header}");
                    }

                    headers.Add(new(header[..colon].Trim(), header[(colon + 1)..].Trim()));
                    break;
                case "-d" or "--data" or "--data-raw":
                    // curl -d strips CR and LF from @file data only; inline data is sent as written.
                    body = Append(body, Encoding.UTF8.GetBytes(Value()));
                    break;
                case "--data-binary":
                    var data = Value();
                    body = Append(body, data.StartsWith('@') ? File.ReadAllBytes(Path.Combine(repository, data[1..])) : Encoding.UTF8.GetBytes(data));
                    break;
                case var _ when word.StartsWith("--", StringComparison.Ordinal):
                    throw new FormatException($"curl option {word} is not one the doc test understands");
                case var _ when word.StartsWith('-') && word.Length > 1:
                    if (!word[1..].All(OutputOnlyFlags.Contains))
                    {
                        throw new FormatException($"curl option {word} is not one the doc test understands");
                    }

                    break;
                default:
                    if (url is not null)
                    {
                        throw new FormatException($"curl with two URLs: {url} and {word}");
                    }

                    url = word;
                    break;
            }

            string Value() => ++i < words.Count ? words[i] : throw new FormatException($"curl option {word} without a value");
        }

        if (url is null)
        {
            throw new FormatException("curl without a URL");
        }

        return new CurlRequest(new HttpMethod(method ?? (body is null ? "GET" : "POST")), new Uri(url, UriKind.Absolute), headers, body);
    }

    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(Method, Url);
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            // curl's default for -d and --data-binary without a Content-Type header.
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        }

        foreach (var (name, value) in Headers)
        {
            if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                if (message.Content is null)
                {
                    throw new FormatException($"curl header {name} without a body");
                }

                message.Content.Headers.Remove(name);
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                throw new FormatException($"curl header {name} cannot be sent");
            }
        }

        return message;
    }

    // curl joins several -d values with '&'.
    private static byte[] Append(byte[]? body, byte[] data) => body is null ? data : [.. body, (byte)'&', .. data];
}

using System.Text.Json;
using System.Text.RegularExpressions;
using Daedalus.Hosting;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Docs;

/// <summary>
/// docs/api.md's examples, executed as written and in document order against the real self-host
/// (<c>daedalus serve</c>'s <see cref="SelfHost"/>) on PostgreSQL and Azurite: <c>daedalus</c> lines through the
/// built CLI, <c>curl</c> lines as HTTP requests (see <see cref="CurlRequest"/>). Only the base URL changes: the
/// doc's <c>API=</c> must be serve's default address and is pointed at the test's port.
/// </summary>
public sealed partial class ApiDocExamplesTests
{
    private static readonly string DocPath = Path.Combine(RepositoryRoot.Path, "docs", "api.md");

    [Fact]
    public void Every_curl_in_docs_api_md_is_in_a_block_the_test_runs_or_says_why_not()
    {
        var blocks = MarkdownCodeBlock.Read(File.ReadAllText(DocPath));
        Assert.Empty(blocks.Where(b => b.Marker is not null && b.Marker is not ("run" or "response") && !b.Marker.StartsWith("not run (", StringComparison.Ordinal)).Select(b => $"line {b.Line}: unknown marker '{b.Marker}'"));
        Assert.Empty(blocks.Where(b => b.Marker is null && CurlCommand().IsMatch(b.Text)).Select(b => $"line {b.Line}: a curl example neither run by the test nor marked <!-- doc-test: not run (why) -->"));
        Assert.Empty(blocks.Select((b, i) => (b, i)).Where(x => x.b.Marker == "response" && (x.i == 0 || blocks[x.i - 1].Marker != "run" || x.b.Language != "json")).Select(x => $"line {x.b.Line}: a response must be a json block right after a run block"));
        Assert.True(blocks.Count(b => b.Marker == "run") >= 3, "docs/api.md has its runnable examples");
    }

    [Fact]
    public async Task Every_example_of_docs_api_md_answers_as_the_doc_shows_against_serve()
    {
        var blocks = MarkdownCodeBlock.Read(await File.ReadAllTextAsync(DocPath));
        var directory = Path.Combine(Path.GetTempPath(), "daedalus-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var settings = await SelfHostInstance.SettingsAsync(await PostgresServer.CreateDatabaseAsync("apidoc"), directory, AzuriteServer.UniqueQueueName("apidoc"));
        await using var serve = await SelfHostInstance.StartAsync(settings);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var run = new ExampleRun(serve.BaseAddress, settings, directory, http);
        var executed = 0;
        for (var i = 0; i < blocks.Count; i++)
        {
            if (blocks[i].Marker != "run")
            {
                continue;
            }

            foreach (var command in ShellCommand.Split(blocks[i].Text, blocks[i].Line + 1))
            {
                await run.ExecuteAsync(command);
                executed++;
            }

            if (i + 1 < blocks.Count && blocks[i + 1].Marker == "response")
            {
                run.CheckShape(blocks[i + 1]);
            }
        }

        Assert.True(executed >= 10, $"{executed} documented commands executed");
        Assert.True(run.Failures.Count == 0, "docs/api.md examples that do not answer as documented:\n" + string.Join('\n', run.Failures));
        Assert.True(run.Requests >= 8, $"{run.Requests} requests sent");
    }

    [GeneratedRegex(@"(^|\s|\$\()curl\s", RegexOptions.Multiline)]
    private static partial Regex CurlCommand();

    /// <summary>The state of one walk through the examples: the shell's variables and the last answer.</summary>
    private sealed partial class ExampleRun(Uri serve, IDictionary<string, string?> settings, string directory, HttpClient http)
    {
        private readonly Dictionary<string, string> _variables = [];
        private readonly Dictionary<string, string> _exported = [];
        private (string Command, string Body)? _lastAnswer;

        public List<string> Failures { get; } = [];

        public int Requests { get; private set; }

        public async Task ExecuteAsync(ShellCommand command)
        {
            try
            {
                if (Substitution().Match(command.Text) is { Success: true } substitution)
                {
                    var words = new ShellCommand(substitution.Groups[2].Value, null, command.Line).Words(_variables);
                    _variables[substitution.Groups[1].Value] = (await CliAsync(command, words)).Trim();
                    return;
                }

                var parts = command.Words(_variables);
                switch (parts[0])
                {
                    case "curl":
                        await CurlAsync(command, parts.Skip(1).ToList());
                        break;
                    case "daedalus":
                        await CliAsync(command, parts);
                        break;
                    case "export":
                        foreach (var assignment in parts.Skip(1))
                        {
                            var (name, value) = Assign(command, assignment);
                            _exported[name] = value;
                        }

                        break;
                    case var word when parts.Count == 1 && word.Contains('=', StringComparison.Ordinal):
                        Assign(command, word);
                        break;
                    default:
                        throw new FormatException($"'{parts[0]}' is not a command the doc test runs");
                }
            }
            catch (FormatException ex)
            {
                Failures.Add($"line {command.Line}: {ex.Message}");
            }
        }

        public void CheckShape(MarkdownCodeBlock response)
        {
            if (_lastAnswer is not { } answer)
            {
                Failures.Add($"line {response.Line}: a response with no request before it");
                return;
            }

            try
            {
                using var documented = JsonDocument.Parse(response.Text);
                using var actual = JsonDocument.Parse(answer.Body);
                Failures.AddRange(JsonShape.Differences(documented.RootElement, actual.RootElement).Select(d => $"line {response.Line} (answer of {answer.Command}): {d}"));
            }
            catch (JsonException ex)
            {
                Failures.Add($"line {response.Line}: not JSON ({ex.Message}); the answer was: {answer.Body}");
            }
        }

        private (string Name, string Value) Assign(ShellCommand command, string assignment)
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = (assignment[..equals], assignment[(equals + 1)..]);
            if (name == "API")
            {
                // The one substitution: the doc names serve's default address, the test's serve has its own port.
                Assert.True(value == SelfHost.DefaultUrls, $"line {command.Line}: API={value}, but daedalus serve listens on {SelfHost.DefaultUrls} by default");
                value = serve.ToString().TrimEnd('/');
            }

            _variables[name] = value;
            return (name, value);
        }

        private async Task CurlAsync(ShellCommand command, IReadOnlyList<string> words)
        {
            var request = CurlRequest.Parse(words, RepositoryRoot.Path);
            var shown = command.ShownStatus ?? throw new FormatException("a curl example without the status it answers (a '# NNN' comment)");
            using var message = request.ToMessage();
            using var response = await http.SendAsync(message);
            Requests++;
            var body = await response.Content.ReadAsStringAsync();
            var what = $"{request.Method} {request.Url.PathAndQuery}";
            _lastAnswer = (what, body);
            if ((int)response.StatusCode != shown)
            {
                Failures.Add($"line {command.Line}: {what} answered {(int)response.StatusCode}, the doc shows {shown}: {body}");
            }
        }

        private async Task<string> CliAsync(ShellCommand command, IReadOnlyList<string> words)
        {
            if (words.Count == 0 || words[0] != "daedalus")
            {
                throw new FormatException("only daedalus commands are run");
            }

            var environment = settings.Where(s => s.Value is not null).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
            foreach (var (name, value) in _exported)
            {
                environment[name] = value;
            }

            var result = await CliProcess.RunAsync(environment, directory, [.. words.Skip(1)]);
            if (result.ExitCode != 0)
            {
                Failures.Add($"line {command.Line}: {string.Join(' ', words)} exited {result.ExitCode}: {result.Error}{result.Output}");
            }

            return result.Output;
        }

        [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*)=\$\((daedalus\s[^()]*)\)$")]
        private static partial Regex Substitution();
    }
}

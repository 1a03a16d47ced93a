using System.CommandLine;
using System.Reflection;
using System.Text.RegularExpressions;
using Daedalus.Tests.Infrastructure;

namespace Daedalus.Tests.Docs;

/// <summary>
/// Every <c>daedalus</c> command line in README.md and docs/ parses with the CLI's own command tree
/// (<c>Daedalus.Cli.Commands.CliCommandTree</c>, loaded from the built CLI): a renamed command or option, a
/// dropped argument or a wrong value breaks this test rather than a reader.
/// </summary>
public sealed partial class DocCommandLinesTests
{
    private static readonly Lazy<RootCommand> Cli = new(() =>
    {
        var assembly = Assembly.LoadFrom(CliProcess.Assembly);
        var tree = assembly.GetType("Daedalus.Cli.Commands.CliCommandTree", throwOnError: true)!;
        return (RootCommand)tree.GetMethod("Create")!.Invoke(null, null)!;
    });

    public static TheoryData<string> Files() => [.. DocFiles()];

    private static List<string> DocFiles() =>
        [.. new[] { "README.md" }.Concat(Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "docs"), "*.md", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(RepositoryRoot.Path, f)).Order(StringComparer.Ordinal))];

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_daedalus_command_shown_parses_with_the_real_cli(string file)
    {
        var lines = DocCommandLine.Read(file, File.ReadAllText(Path.Combine(RepositoryRoot.Path, file))).ToList();
        var failures = lines.Select(l => (Line: l, Problem: Problem(l))).Where(x => x.Problem is not null).Select(x => $"{x.Line} -> {x.Problem}").ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {lines.Count} command lines in {file} do not parse:\n" + string.Join('\n', failures));
    }

    [Fact]
    public void The_docs_show_commands_and_a_wrong_one_is_caught()
    {
        var all = DocFiles().SelectMany(f => DocCommandLine.Read(f, File.ReadAllText(Path.Combine(RepositoryRoot.Path, f)))).ToList();
        Assert.True(all.Count >= 50, $"{all.Count} command lines found");
        // The checker itself: an unknown option, an unknown subcommand, a missing required option, a bad value.
        var wrong = DocCommandLine.Read("x.md", "`daedalus keys list --nope`\n`daedalus sources lst`\n```sh\ndaedalus keys create --scope read\nKEY=$(daedalus keys create --name a --scope admin)\n```\n`daedalus runs list\\|trigerr`\n").ToList();
        Assert.Equal(5, wrong.Count);
        Assert.All(wrong, l => Assert.NotNull(Problem(l)));
        Assert.Null(Problem(DocCommandLine.Read("x.md", "`daedalus keys create --name a --scope read --scope write`").Single()));
    }

    /// <summary>Why a shown command does not parse, or null when it does.</summary>
    private static string? Problem(DocCommandLine line)
    {
        Command current = Cli.Value;
        var consumed = 0;
        foreach (var word in line.Words)
        {
            if (line.Synopsis && word.Contains('|', StringComparison.Ordinal))
            {
                // Alternatives: each plain word must be a subcommand here; what follows is not checked.
                var unknown = word.Split('|').Where(a => PlainWord().IsMatch(a) && current.Subcommands.All(c => c.Name != a)).ToList();
                return unknown.Count == 0 ? null : $"no command '{current.Name} {string.Join("', '", unknown)}'";
            }

            var sub = current.Subcommands.FirstOrDefault(c => c.Name == word);
            if (sub is null)
            {
                break;
            }

            current = sub;
            consumed++;
        }

        if (consumed == line.Words.Count && current.Subcommands.Count > 0 && current.Action is null)
        {
            return null; // a command group named in prose: `daedalus sources`
        }

        IReadOnlyList<string> args = line.Synopsis ? Concrete(line.Words) : line.Words;
        var errors = Cli.Value.Parse(args).Errors;
        return errors.Count == 0 ? null : string.Join("; ", errors.Select(e => e.Message));
    }

    /// <summary>
    /// A synopsis as a user would type it: &lt;x&gt; is a value, an optional group starting with a flag
    /// (<c>[--urls URL]</c>) is typed, other optional groups (<c>[source...]</c>) and <c>...</c> are left out.
    /// </summary>
    private static List<string> Concrete(IReadOnlyList<string> words)
    {
        var args = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (word.StartsWith('['))
            {
                var group = new List<string> { word };
                while (!group[^1].EndsWith(']') && i + 1 < words.Count)
                {
                    group.Add(words[++i]);
                }

                var inner = string.Join(' ', group)[1..^1].Split(' ');
                if (inner[0].StartsWith("--", StringComparison.Ordinal))
                {
                    args.AddRange(inner.Select(Value));
                }
            }
            else if (word != "...")
            {
                args.Add(Value(word));
            }
        }

        return args;

        // Run and key ids are GUIDs (and any string where an id is text): a placeholder id must not fail on its type.
        static string Value(string word) => !(word.StartsWith('<') && word.EndsWith('>')) ? word
            : word.EndsWith("id>", StringComparison.Ordinal) ? Guid.Empty.ToString()
            : word[1..^1];
    }

    [GeneratedRegex("^[a-z][a-z-]*$")]
    private static partial Regex PlainWord();
}

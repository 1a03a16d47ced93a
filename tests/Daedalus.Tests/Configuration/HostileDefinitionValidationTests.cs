using Daedalus.Configuration;
using Daedalus.Sources;
using Daedalus.Sources.Sample;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Tests.Configuration;

/// <summary>
/// The validator the YAML loader and the API share, fed hostile definitions: every identifier-like field, text
/// PostgreSQL cannot store, reserved schemas, credential-shaped secret names, schedules that never fire or fire too
/// often, and plugin settings (typed, unknown keys named). Each case names the field path it must be reported at.
/// </summary>
public sealed class HostileDefinitionValidationTests
{
    private static readonly SourceDefinitionValidator Validator = new(
        new ServiceCollection().AddLogging().AddSourcePlugins().BuildServiceProvider().GetRequiredService<SourcePluginRegistry>());

    private static SourceDefinition Sample()
    {
        var source = SampleSourceDefinition.Create("shop", 100, targetSchema: "shop");
        source.Metrics.Add(new MetricRuleDefinition { Name = "invoices", Stream = "invoices", Time = "issued_on", Aggregate = "count", Labels = ["status"] });
        return source;
    }

    private static List<ConfigError> Errors(Action<SourceDefinition> change)
    {
        var source = Sample();
        change(source);
        return Validator.Validate(source, "$");
    }

    [Fact]
    public void The_sample_definition_is_valid()
    {
        Assert.Empty(Validator.Validate(Sample(), "$"));
    }

    public static TheoryData<string, string> IdentifierFields() => new()
    {
        { "$.streams.customers.qa[0].column", "qa column" },
        { "$.streams.customers.protect", "protect column" },
        { "$.streams.customers.rename", "rename source column" },
        { "$.streams.customers.rename.email", "rename target column" },
        { "$.streams.customers.primaryKey[0]", "primary key" },
        { "$.streams.customers.cursor", "cursor" },
        { "$.metrics[0].time", "metric time" },
        { "$.metrics[0].value", "metric value" },
        { "$.metrics[0].labels[0]", "metric label" },
        { "$.streams.customers.target.table", "target table" },
        { "$.streams.customers.target.schema", "target schema" },
    };

    [Theory]
    [MemberData(nameof(IdentifierFields))]
    public void Every_identifier_like_field_refuses_quotes_whitespace_control_characters_and_escapes(string path, string what)
    {
        foreach (var bad in new[] { "a\"b", "a b", "a\tb", "a\nb", "col\u001b[31m", "\u00c9mail", "a;b", "", new string('a', 64) })
        {
            if (bad.Length == 0 && path.EndsWith("[0].column", StringComparison.Ordinal))
            {
                continue; // an empty qa column is "required", reported at the same path (checked elsewhere)
            }

            var errors = Errors(source => Set(source, path, bad));
            Assert.True(errors.Any(e => e.Path == path), $"{what} '{bad}': errors at {string.Join(", ", errors.Select(e => e.Path))}");
            Assert.All(errors, e => Assert.DoesNotContain('\u001b', e.Message));
            Assert.All(errors, e => Assert.DoesNotContain('\n', e.Message));
        }
    }

    private static void Set(SourceDefinition source, string path, string value)
    {
        var customers = source.FindStream("customers")!;
        switch (path)
        {
            case "$.streams.customers.qa[0].column":
                customers.Qa.Insert(0, new QaRuleDefinition { Column = value, Rule = "not_null" });
                break;
            case "$.streams.customers.protect":
                customers.Protect[value] = ProtectionMode.Hash;
                break;
            case "$.streams.customers.rename":
                customers.Rename[value] = "renamed";
                break;
            case "$.streams.customers.rename.email":
                customers.Rename["email"] = value;
                break;
            case "$.streams.customers.primaryKey[0]":
                customers.PrimaryKey = [value];
                break;
            case "$.streams.customers.cursor":
                customers.Cursor = value;
                break;
            case "$.metrics[0].time":
                source.Metrics[0].Time = value;
                break;
            case "$.metrics[0].value":
                source.Metrics[0].Value = value;
                source.Metrics[0].Aggregate = "sum";
                break;
            case "$.metrics[0].labels[0]":
                source.Metrics[0].Labels = [value];
                break;
            case "$.streams.customers.target.table":
                customers.Target.Table = value;
                break;
            case "$.streams.customers.target.schema":
                customers.Target.Schema = value;
                break;
        }
    }

    [Theory]
    [InlineData("daedalus")]
    [InlineData("pg_catalog")]
    [InlineData("pg_toast")]
    [InlineData("pg_anything")]
    [InlineData("information_schema")]
    public void Reserved_schemas_are_refused_as_targets(string schema)
    {
        var errors = Errors(s => s.FindStream("invoices")!.Target.Schema = schema);
        Assert.Contains(errors, e => e.Path == "$.streams.invoices.target.schema" && e.Message.Contains("reserved", StringComparison.Ordinal));
    }

    [Fact]
    public void Public_stays_a_valid_target_schema()
    {
        Assert.Empty(Errors(s => s.FindStream("invoices")!.Target.Schema = "public"));
    }

    public static TheoryData<string> TextFields() => new()
    {
        "$.settings", "$.settings.seed", "$.secrets", "$.secrets.token", "$.streams.customers.qa[0].pattern", "$.streams.customers.qa[0].values[0]",
        "$.streams.customers.settings", "$.schedule", "$.metrics[0].name",
    };

    [Theory]
    [MemberData(nameof(TextFields))]
    public void Nul_and_unpaired_surrogates_are_refused_by_field_before_they_reach_jsonb(string path)
    {
        foreach (var bad in new[] { "a\0b", "a\ud800b", "\udc00" })
        {
            var errors = Errors(source =>
            {
                var customers = source.FindStream("customers")!;
                switch (path)
                {
                    case "$.settings": source.Settings[bad] = "1"; break;
                    case "$.settings.seed": source.Settings["seed"] = bad; break;
                    case "$.secrets": source.Secrets[bad] = "shop-token"; break;
                    case "$.secrets.token": source.Secrets["token"] = bad; break;
                    case "$.streams.customers.qa[0].pattern": customers.Qa.Insert(0, new QaRuleDefinition { Column = "email", Rule = "matches", Pattern = bad }); break;
                    case "$.streams.customers.qa[0].values[0]": customers.Qa.Insert(0, new QaRuleDefinition { Column = "email", Rule = "one_of", Values = [bad] }); break;
                    case "$.streams.customers.settings": customers.Settings[bad] = "x"; break;
                    case "$.schedule": source.Schedule = bad; break;
                    case "$.metrics[0].name": source.Metrics[0].Name = bad; break;
                }
            });
            Assert.True(errors.Any(e => e.Path == path), $"{path} '{Escape(bad)}': errors at {string.Join(", ", errors.Select(e => e.Path))}");
            Assert.All(errors, e => Assert.True(StoredText.IsStorable(e.Message), $"message at {e.Path} is not storable"));
        }
    }

    private static string Escape(string text) => string.Concat(text.Select(c => c < ' ' || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    [Theory]
    [InlineData("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")]
    [InlineData("Bearer abcdef")]
    [InlineData("ghp_16C7e42F292c6912E7710c838347Ae178B4a")]
    [InlineData("AKIAIOSFODNN7EXAMPLE")]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    [InlineData("xoxb-1234567890123-abcdefABCDEF1234")]
    [InlineData("Server=db;Password=hunter2")]
    [InlineData("https://hooks.slack.com/services/T000/B000/XXXX")]
    [InlineData("aB3dE5fG7hJ9kL1mN3pQ5rS7tV9wX1yZ")]
    public void Secret_names_that_look_like_credentials_are_refused_without_echo(string value)
    {
        var errors = Errors(s => s.Secrets["token"] = value);
        var error = Assert.Single(errors, e => e.Path == "$.secrets.token");
        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("monday-token")]
    [InlineData("qbo.refresh_token")]
    [InlineData("shop-client-secret-2025")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("MondayApiTokenForProductionBoards")]
    [InlineData("backup2024productionmondaytoken")]
    public void Ordinary_secret_names_are_accepted(string value)
    {
        Assert.Empty(Errors(s => s.Secrets["token"] = value));
    }

    [Theory]
    [InlineData("0 0 0 30 2 *", "never fires")]
    [InlineData("0 0 0 31 4 *", "never fires")]
    [InlineData("* * * * * *", "more often")]
    [InlineData("*/5 * * * * *", "more often")]
    [InlineData("0,1 0 0 * * *", "more often")]
    [InlineData("*/0 * * * * *", "")]
    [InlineData("0 */15 * * *", "NCRONTAB")]
    [InlineData("every tuesday", "NCRONTAB")]
    public void Schedules_that_never_fire_or_fire_too_often_are_refused(string schedule, string reason)
    {
        var error = Assert.Single(Errors(s => s.Schedule = schedule), e => e.Path == "$.schedule");
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*/10 * * * * *")]
    [InlineData("0 0 0 29 2 *")]
    [InlineData("0 */15 * * * *")]
    public void Schedules_at_the_minimum_interval_or_rarer_are_accepted(string schedule)
    {
        Assert.Empty(Errors(s => s.Schedule = schedule));
    }

    [Fact]
    public void Unknown_plugin_settings_are_refused_by_name_at_their_path()
    {
        var errors = Errors(s =>
        {
            s.Settings["custmers"] = "5";
            s.FindStream("customers")!.Settings["boardId"] = "1";
        });
        Assert.Contains(errors, e => e.Path == "$.settings.custmers" && e.Message.Contains("unknown setting", StringComparison.Ordinal) && e.Message.Contains("customers", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.streams.customers.settings.boardId" && e.Message.Contains("unknown setting", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("customers", "0")]
    [InlineData("customers", "1.5")]
    [InlineData("changeRate", "2")]
    [InlineData("changeRate", "NaN")]
    [InlineData("seed", "-1")]
    public void Typed_settings_out_of_range_are_refused_at_their_path(string name, string value)
    {
        Assert.Contains(Errors(s => s.Settings[name] = value), e => e.Path == $"$.settings.{name}");
    }

    /// <summary>Definitions that used to be accepted and then failed every run (or, a hashed cursor, silently skipped newer rows).</summary>
    public static TheoryData<string, string> RunTimeFailures() => new()
    {
        { "encrypted key", "$.streams.customers.protect.id" },
        { "encrypted cursor", "$.streams.customers.protect.updated_at" },
        { "hashed cursor", "$.streams.customers.protect.updated_at" },
        { "two columns renamed alike", "$.streams.customers.rename.country" },
        { "rename onto a bookkeeping column", "$.streams.customers.rename.name" },
        { "key column twice", "$.streams.customers.primaryKey[1]" },
    };

    [Theory]
    [MemberData(nameof(RunTimeFailures))]
    public void A_definition_that_could_only_fail_at_run_time_is_refused_naming_the_field(string what, string path)
    {
        var errors = Errors(source =>
        {
            var stream = source.Streams.Single(s => s.Name == "customers");
            switch (what)
            {
                case "encrypted key":
                    stream.PrimaryKey = ["id"];
                    stream.Protect["id"] = ProtectionMode.Encrypt;
                    break;
                case "encrypted cursor":
                    stream.Cursor = "updated_at";
                    stream.Protect["updated_at"] = ProtectionMode.Encrypt;
                    break;
                case "hashed cursor":
                    stream.Cursor = "updated_at";
                    stream.Protect["updated_at"] = ProtectionMode.Hash;
                    break;
                case "two columns renamed alike":
                    stream.Rename["name"] = "label";
                    stream.Rename["country"] = "label";
                    break;
                case "rename onto a bookkeeping column":
                    stream.Rename["name"] = "_daedalus_loaded_at";
                    break;
                case "key column twice":
                    stream.PrimaryKey = ["id", "id"];
                    break;
            }
        });

        Assert.Contains(errors, e => e.Path == path);
    }
}

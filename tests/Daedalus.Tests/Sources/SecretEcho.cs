using Daedalus.Security;
using Daedalus.Tests.Infrastructure;
using Npgsql;

namespace Daedalus.Tests.Sources;

/// <summary>
/// Where an echoed secret could surface after a pull: the runs table (read with SQL), the runs API (a self-hosted API
/// over the same database) and the captured log lines. Asserts none of them holds any of the given values.
/// </summary>
public static class SecretEcho
{
    public static async Task AssertNowhereAsync(string connectionString, string source, IReadOnlyList<string> secrets, IEnumerable<string> logLines)
    {
        Assert.All(secrets, s => Assert.True(s.Length >= SecretRedactor.MinLength, "secrets this short are not redacted; the test would prove nothing"));

        // runs.error and pull_error, straight from PostgreSQL: the error was saved (NUL and all) and masked.
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT coalesce(error, '') || ' ' || coalesce(pull_error, '') FROM daedalus.runs WHERE source = $1", connection);
        command.Parameters.AddWithValue(source);
        var errors = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                errors.Add(reader.GetString(0));
            }
        }

        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.Contains(SecretRedactor.Mask, StringComparison.Ordinal));

        // The runs API over the same database.
        string answer;
        await using (var api = await ApiServer.StartAsync(source, new Dictionary<string, string?> { ["Daedalus:Api:Auth"] = "none" }, connectionString: connectionString))
        {
            using var http = api.Http(null);
            answer = await http.GetStringAsync($"/api/v1/sources/{source}/runs");
        }

        Assert.Contains("failed", answer, StringComparison.Ordinal);
        var lines = logLines.ToList();
        Assert.NotEmpty(lines);
        foreach (var secret in secrets)
        {
            Assert.All(errors, e => Assert.DoesNotContain(secret, e, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, answer, StringComparison.Ordinal);
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }
}

using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Daedalus.Api;
using Daedalus.Cli.Benchmarks;
using Daedalus.Hosting;
using Daedalus.Security;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Spectre.Console;

namespace Daedalus.Cli.Commands;

/// <summary>
/// <c>daedalus bench-api</c>: requests/s and p50/p99 latency of GET /api/v1/status and GET /api/v1/sources at N
/// concurrent connections on loopback. The API runs in this process on a throwaway database of the local cluster,
/// with key auth on; the load generator shares the machine, as a co-located client would.
/// </summary>
public static class ApiBenchCommand
{
    public static Command Create()
    {
        var connections = new Option<int>("--connections", "-c") { Description = "Concurrent connections", DefaultValueFactory = _ => 100 };
        var seconds = new Option<int>("--seconds", "-d") { Description = "Measured seconds per route (after a 3 s warm-up)", DefaultValueFactory = _ => 10 };
        var sources = new Option<int>("--sources") { Description = "Sources in the catalog (what GET /sources returns)", DefaultValueFactory = _ => 10 };
        var markdown = new Option<string?>("--markdown") { Description = "Also write the table as Markdown to this file" };
        var command = new Command("bench-api", "Benchmark the HTTP API (status and sources) at N concurrent connections on loopback") { connections, seconds, sources, markdown };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = CliHost.Configuration();
            using var logging = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
            var cluster = await DatabaseConnection.ResolveAsync(configuration.GetSection("Daedalus:Database").Get<DatabaseOptions>() ?? new DatabaseOptions(), logging.CreateLogger("Daedalus.Database"), cancellationToken);
            var database = $"daedalus_apibench_{Guid.NewGuid():N}";
            var admin = new NpgsqlConnectionStringBuilder(cluster) { Database = "postgres", Pooling = false }.ConnectionString;
            await ExecuteAsync(admin, $"CREATE DATABASE {SqlIdentifier.Quote(database)}", cancellationToken);
            try
            {
                var results = await RunAsync(new NpgsqlConnectionStringBuilder(cluster) { Database = database }.ConnectionString, parse.GetValue(sources), parse.GetValue(connections), TimeSpan.FromSeconds(parse.GetValue(seconds)), cancellationToken);
                var table = new Table().Border(TableBorder.Rounded).AddColumns("route", "connections", "requests", "errors", "req/s", "p50 ms", "p99 ms", "max ms");
                var md = new StringBuilder("| route | connections | requests | errors | req/s | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
                foreach (var r in results)
                {
                    string[] row = [$"GET {r.Path}", $"{r.Connections}", $"{r.Requests:N0}", $"{r.Errors:N0}", $"{r.RequestsPerSecond:N0}", $"{r.P50Ms:N1}", $"{r.P99Ms:N1}", $"{r.MaxMs:N1}"];
                    table.AddRow(ConsoleCell.Row(row));
                    md.Append("| ").AppendJoin(" | ", row).Append(" |\n");
                }

                AnsiConsole.Write(table);
                if (parse.GetValue(markdown) is { } path)
                {
                    await File.WriteAllTextAsync(path, md.ToString(), cancellationToken);
                }

                return results.Any(r => r.Errors > 0) ? ExitCodes.Failed : ExitCodes.Ok;
            }
            finally
            {
                NpgsqlConnection.ClearAllPools();
                try
                {
                    await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {SqlIdentifier.Quote(database)} WITH (FORCE)", CancellationToken.None);
                }
                catch (NpgsqlException ex)
                {
                    // The figures above stand; only the scratch database is left behind, and the operator is told which.
                    Console.Error.WriteLine($"bench-api: the scratch database {database} could not be dropped ({ex.Message}); drop it by hand.");
                }
            }
        });
        return command;
    }

    private static async Task<IReadOnlyList<ApiLoad.Result>> RunAsync(string connectionString, int sourceCount, int connections, TimeSpan duration, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
        [
            new("Daedalus:Database:ConnectionString", connectionString),
            new("Daedalus:Api:Auth", ApiAuthModes.Name(ApiAuthMode.ApiKey)),
        ]).Build();
        await using var app = SelfHost.Build(configuration, "http://127.0.0.1:0", l => l.AddFilter(_ => false), workers: false);
        await app.Services.GetRequiredService<Migrator>().MigrateAsync(cancellationToken);
        var catalog = app.Services.GetRequiredService<SourceCatalog>();
        for (var i = 0; i < sourceCount; i++)
        {
            await catalog.UpsertAsync(SampleSourceDefinition.Create($"bench_{i.ToString("D2", CultureInfo.InvariantCulture)}", 1000, $"bench_{i}"), "bench", cancellationToken);
        }

        // A real key from the database, so the measured path includes key verification (with its cache).
        var (_, key) = await app.Services.GetRequiredService<ApiKeyStore>().CreateAsync("bench", [ApiKeyStore.ReadScope], cancellationToken);
        await app.StartAsync(cancellationToken);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = SelfHost.Address(app), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var results = new List<ApiLoad.Result>();
        foreach (var path in new[] { "/api/v1/status", "/api/v1/sources" })
        {
            results.Add(await ApiLoad.RunAsync(http, path, connections, TimeSpan.FromSeconds(3), duration, cancellationToken));
        }

        await app.StopAsync(cancellationToken);
        return results;
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        // CREATE/DROP DATABASE wait for a checkpoint, which takes far longer than the default 30 s on a busy server.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

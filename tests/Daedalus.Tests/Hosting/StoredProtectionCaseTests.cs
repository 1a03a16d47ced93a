using Daedalus.Configuration;
using Daedalus.Pipeline;
using Daedalus.Runs;
using Daedalus.Sources.Sample;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Daedalus.Tests.Hosting;

/// <summary>A protected column named in another case than the source's is protected on a real sync, read from the catalog.</summary>
public sealed class StoredProtectionCaseTests : IAsyncLifetime
{
    private CoreServices _core = null!;

    public async Task InitializeAsync() => _core = await CoreServices.StartAsync("protectcase");

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public async Task Protect_entries_spelt_in_another_case_encrypt_and_hash_the_columns_they_name()
    {
        var source = SampleSourceDefinition.Create("casing", 200);
        source.Streams.RemoveAll(s => s.Name != "customers");
        source.Settings["maxGenerations"] = "0";
        var customers = source.Streams.Single();
        customers.Protect.Clear();
        customers.Protect["EMAIL"] = ProtectionMode.Encrypt;
        customers.Protect["Phone"] = ProtectionMode.Hash;
        await _core.Get<SourceCatalog>().UpsertAsync(source, "test", CancellationToken.None);

        var summaries = await _core.Get<SyncRunner>().RunAsync([source.Name], _core.Get<InProcessSink>(), "test", null, CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, Assert.Single(summaries).Status);

        await using var connection = new NpgsqlConnection(_core.ConnectionString);
        var rows = (await connection.QueryAsync<(string Email, string Phone)>($"SELECT email, phone FROM {SqlIdentifier.Qualified(customers.Target!.Schema, customers.Target.Table)}")).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.StartsWith("enc:v1:", r.Email, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.StartsWith("hmac:v1:", r.Phone, StringComparison.Ordinal));
    }
}

using Azure.Core;
using Daedalus.Hosting;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Daedalus.Tests.Storage;

/// <summary>
/// <c>Daedalus:Database:EntraAuthentication</c> wiring on a real PostgreSQL. A real Entra token cannot be fetched
/// offline, and the test cluster trusts local connections (it never asks for the password), so what is checked is
/// that the data source asks the credential for the Azure Database for PostgreSQL scope, leaves the credential
/// alone when the option is off, and refuses a connection string that also carries a password.
/// </summary>
public sealed class EntraAuthenticationTests
{
    [Fact]
    public async Task With_the_option_the_data_source_gets_a_token_for_the_postgres_scope_before_connecting()
    {
        var credential = new IssuedTokenCredential("entra-access-token");
        await using var core = await CoreServices.StartAsync("entra_on", new Dictionary<string, string?> { ["Daedalus:Database:EntraAuthentication"] = "true" }, s => s.AddSingleton<TokenCredential>(credential));

        await using var connection = await core.Get<NpgsqlDataSource>().OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM public.daedalus_schema_migrations", connection);
        Assert.True((long)(await command.ExecuteScalarAsync())! > 0);
        // The data source fetches on a timer; this cluster trusts local connections, so opening need not wait for it.
        await Eventually.TrueAsync(() => Task.FromResult(!credential.Scopes.IsEmpty), TimeSpan.FromSeconds(30), "a token requested");
        Assert.All(credential.Scopes, scope => Assert.Equal("https://ossrdbms-aad.database.windows.net/.default", scope));
    }

    [Fact]
    public async Task Without_the_option_the_credential_is_never_asked()
    {
        var credential = new IssuedTokenCredential("unused");
        await using var core = await CoreServices.StartAsync("entra_off", configure: s => s.AddSingleton<TokenCredential>(credential));
        await using var connection = await core.Get<NpgsqlDataSource>().OpenConnectionAsync();
        Assert.Empty(credential.Scopes);
    }

    [Fact]
    public async Task A_password_in_the_connection_string_is_refused_with_the_setting_to_fix()
    {
        await using var provider = Services(new() { ["Daedalus:Database:ConnectionString"] = "Host=db.example;Username=app;Password=secret", ["Daedalus:Database:EntraAuthentication"] = "true" }, new IssuedTokenCredential("unused"));
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DatabaseOptions>>().Value);
        Assert.Contains("remove the Password from Daedalus:Database:ConnectionString", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_managed_identity_defaults_to_AZURE_CLIENT_ID_unless_a_client_id_is_given()
    {
        var previous = Environment.GetEnvironmentVariable("AZURE_CLIENT_ID");
        var clientId = Guid.NewGuid().ToString();
        Environment.SetEnvironmentVariable("AZURE_CLIENT_ID", clientId);
        try
        {
            Assert.Equal(clientId, AzureCredentials.Options(null).ManagedIdentityClientId);
            Assert.Equal("explicit", AzureCredentials.Options("explicit").ManagedIdentityClientId);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AZURE_CLIENT_ID", previous);
        }
    }

    private static ServiceProvider Services(Dictionary<string, string?> values, TokenCredential credential)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDaedalusCore(configuration);
        services.AddSingleton(credential);
        return services.BuildServiceProvider();
    }
}

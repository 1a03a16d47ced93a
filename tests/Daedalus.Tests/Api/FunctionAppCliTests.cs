using System.Text.Json;
using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Tests.Api;

/// <summary>
/// The CLI against the API as an Azure Function App serves it: <c>Daedalus:Api:Auth = functionkeys</c> behind a
/// stand-in for the Functions host's key check. The function key travels as <c>x-functions-key</c>, and a bare
/// 401 from the host is explained.
/// </summary>
public sealed class FunctionAppCliTests : IAsyncLifetime
{
    private const string FunctionKey = "fk_test_0123456789abcdef";
    private ApiServer _server = null!;
    private string _directory = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync(
            "api_funcapp",
            new Dictionary<string, string?> { ["Daedalus:Api:Auth"] = ApiAuthModes.Name(ApiAuthMode.FunctionKeys) },
            services => services.AddSingleton<IStartupFilter>(new FunctionsHostKeyCheck(FunctionKey)));
        _directory = Path.Combine(Path.GetTempPath(), "daedalus-tests", "funcapp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_directory, "config"));
        await File.WriteAllTextAsync(Path.Combine(_directory, "config", "daedalus.yaml"), """
            version: 1
            sources:
              shop:
                plugin: sample
                schedule: "0 */5 * * * *"
                settings: { customers: 50 }
                streams:
                  customers: { target: { schema: shop, table: customers } }
            """);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private Task<CliProcess.Result> Cli(Dictionary<string, string> environment, params string[] args) =>
        CliProcess.RunAsync(new Dictionary<string, string>(environment) { ["DAEDALUS_API_URL"] = _server.Address.ToString() }, _directory, args);

    [Fact]
    public async Task The_function_key_is_sent_as_x_functions_key_and_writes_go_through()
    {
        var withKey = new Dictionary<string, string> { ["DAEDALUS_FUNCTION_KEY"] = FunctionKey };
        var apply = await Cli(withKey, "sources", "apply", "config/daedalus.yaml");
        Assert.True(apply.ExitCode == 0, apply.Error);

        var list = await Cli(withKey, "sources", "list", "--json");
        Assert.True(list.ExitCode == 0, list.Error);
        using var sources = JsonDocument.Parse(list.Output);
        Assert.Contains(sources.RootElement.GetProperty("items").EnumerateArray(), s => s.GetProperty("name").GetString() == "shop");

        var flag = await Cli([], "sources", "show", "shop", "--function-key", FunctionKey);
        Assert.True(flag.ExitCode == 0, flag.Error);
        Assert.Equal("api:functionkey", await _server.ScalarAsync<string>("SELECT actor FROM daedalus.audit_log WHERE action = 'source.create' AND target = 'shop'"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("fk_wrong")]
    public async Task A_missing_or_wrong_function_key_is_denied_and_explained(string? key)
    {
        var environment = key is null ? [] : new Dictionary<string, string> { ["DAEDALUS_FUNCTION_KEY"] = key };
        var list = await Cli(environment, "sources", "list");
        Assert.Equal(6, list.ExitCode);
        Assert.Contains("401", list.Error, StringComparison.Ordinal);
        Assert.Contains("--function-key", list.Error, StringComparison.Ordinal);

        // Status is anonymous in Azure too: a report (healthy, or degraded by a source that never ran), not a denial.
        var status = await Cli(environment, "status", "--json");
        Assert.True(status.ExitCode is 0 or 3, $"exit {status.ExitCode}: {status.Error}");
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(status.Output).RootElement.ValueKind);
    }

    [Fact]
    public async Task An_api_key_and_a_function_key_together_are_refused()
    {
        var both = await Cli(new() { ["DAEDALUS_FUNCTION_KEY"] = FunctionKey, ["DAEDALUS_API_KEY"] = "dk_x_y" }, "sources", "list");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("not both", both.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_typed_client_sends_the_function_key_header()
    {
        var client = DaedalusClient.CreateForFunctionApp(_server.Address, FunctionKey);
        Assert.NotNull(await client.ListSourcesAsync());
        var denied = await Assert.ThrowsAsync<DaedalusApiException>(() => DaedalusClient.Create(_server.Address, FunctionKey).ListSourcesAsync());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, denied.StatusCode);
    }
}

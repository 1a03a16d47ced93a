using Daedalus.Api;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Daedalus.Tests.Api;

/// <summary><c>Daedalus:Api:Auth</c> is a closed set (<see cref="ApiAuthMode"/>): the three lower-case names, anything else an options error naming the setting.</summary>
public sealed class ApiAuthModeTests
{
    [Theory]
    [InlineData(null, ApiAuthMode.ApiKey)]
    [InlineData("apikey", ApiAuthMode.ApiKey)]
    [InlineData("none", ApiAuthMode.None)]
    [InlineData("functionkeys", ApiAuthMode.FunctionKeys)]
    public void The_three_names_bind_to_their_mode(string? configured, ApiAuthMode expected) =>
        Assert.Equal(expected, Options(configured).Value.AuthMode());

    [Theory]
    [InlineData("ApiKey")]
    [InlineData("1")]
    [InlineData("apikeys")]
    [InlineData("")]
    public void Anything_else_fails_validation_naming_the_setting(string configured)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Options(configured).Value);
        Assert.Contains("Daedalus:Api:Auth must be one of apikey, none, functionkeys", error.Message, StringComparison.Ordinal);
    }

    private static IOptions<ApiOptions> Options(string? auth)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(auth is null ? [] : [new("Daedalus:Api:Auth", auth)]).Build();
        return new ServiceCollection().AddLogging().AddDaedalusApi(configuration).BuildServiceProvider().GetRequiredService<IOptions<ApiOptions>>();
    }
}

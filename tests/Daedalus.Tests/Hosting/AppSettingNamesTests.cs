using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Daedalus.Api;
using Daedalus.Hosting;
using Daedalus.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Daedalus.Tests.Hosting;

/// <summary>
/// Every <c>Daedalus__…</c> app setting the deployment files set must reach a real options property: a wrong
/// name is silently ignored by configuration binding, so a deployment would run on defaults. Each name is
/// probed by binding a value through the real registrations and reading it back.
/// </summary>
public sealed partial class AppSettingNamesTests
{
    private static readonly string[] DeploymentFiles = ["infra/*.bicep", "infra/modules/*.bicep", "local.settings.example.json", "docker/*.yml", "docs/*.md", "README.md"];

    [GeneratedRegex(@"\bDaedalus(?:__[A-Za-z][A-Za-z0-9]*)+")]
    private static partial Regex SettingName();

    [Fact]
    public void Every_Daedalus_setting_in_infra_docker_docs_readme_and_local_settings_binds_to_an_options_property()
    {
        var settings = DeploymentFiles
            .SelectMany(pattern => Directory.GetFiles(Path.Combine(RepositoryRoot.Path, Path.GetDirectoryName(pattern)!), Path.GetFileName(pattern)))
            .SelectMany(file => SettingName().Matches(File.ReadAllText(file)).Select(m => (File: Path.GetRelativePath(RepositoryRoot.Path, file), m.Value)))
            .Distinct()
            .ToList();
        Assert.Contains(settings, s => s.File == Path.Combine("infra", "main.bicep"));
        Assert.Contains(settings, s => s.File == "local.settings.example.json");

        var unbound = settings.Where(s => !Binds(s.Value)).Select(s => $"{s.File}: {s.Value}").ToList();
        Assert.True(unbound.Count == 0, "settings no options property binds:\n" + string.Join('\n', unbound));
    }

    [Theory]
    [InlineData("Daedalus__Security__SecretProvider", true)]
    [InlineData("Daedalus__Queue__MaxDequeueCount", true)]
    [InlineData("Daedalus__Database__EntraAuthentication", true)]
    [InlineData("Daedalus__Secrets__Provider", false)]
    [InlineData("Daedalus__Keys__Provider", false)]
    [InlineData("Daedalus__Queue__PoisonName", false)]
    [InlineData("Daedalus__Security", false)]
    public void The_probe_tells_bound_names_from_ignored_ones(string setting, bool binds) => Assert.Equal(binds, Binds(setting));

    /// <summary>Whether setting this name changes some bound options property: tries each section/property split.</summary>
    private static bool Binds(string setting)
    {
        var segments = setting.Split("__")[1..];
        foreach (var optionsType in BoundOptionsTypes())
        {
            for (var split = 1; split < segments.Length; split++)
            {
                if (PropertyChain(optionsType, segments[split..]) is not { } chain)
                {
                    continue;
                }

                var defaults = Read(Activator.CreateInstance(optionsType)!, chain);
                var (text, expected) = Sentinel(chain[^1].PropertyType, defaults);
                var bound = Read(Configure(optionsType, setting.Replace("__", ":", StringComparison.Ordinal), text), chain);
                if (Equals(bound, expected))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Options types bound from configuration by both hosts' registrations (Bind adds a change-token source for each).</summary>
    private static IEnumerable<Type> BoundOptionsTypes() => Register(new Dictionary<string, string?>())
        .Select(d => d.ServiceType)
        .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>))
        .Select(t => t.GetGenericArguments()[0])
        .Distinct();

    private static ServiceCollection Register(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddDaedalusCore(configuration);
        services.AddDaedalusApi(configuration);
        return services;
    }

    /// <summary>The options object after the registered configure steps only (no validation: the sentinel may be out of range).</summary>
    private static object Configure(Type optionsType, string key, string value)
    {
        using var provider = Register(new Dictionary<string, string?> { [key] = value }).BuildServiceProvider();
        var instance = Activator.CreateInstance(optionsType)!;
        var configure = typeof(IConfigureOptions<>).MakeGenericType(optionsType);
        foreach (var step in provider.GetServices(configure))
        {
            configure.GetMethod(nameof(IConfigureOptions<object>.Configure))!.Invoke(step, [instance]);
        }

        return instance;
    }

    private static PropertyInfo[]? PropertyChain(Type type, string[] names)
    {
        var chain = new List<PropertyInfo>();
        foreach (var name in names)
        {
            var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                return null;
            }

            chain.Add(property);
            type = property.PropertyType;
        }

        return [.. chain];
    }

    private static object? Read(object instance, PropertyInfo[] chain) =>
        chain.Aggregate<PropertyInfo, object?>(instance, (value, property) => value is null ? null : property.GetValue(value));

    /// <summary>A value different from the default, as configuration text and as the bound value.</summary>
    private static (string Text, object Expected) Sentinel(Type type, object? current)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        object expected = type switch
        {
            _ when type == typeof(string) => "probe-" + Guid.NewGuid().ToString("N"),
            _ when type == typeof(bool) => !(bool)(current ?? false),
            _ when type == typeof(int) => (int)(current ?? 0) + 7,
            _ when type == typeof(long) => (long)(current ?? 0L) + 7,
            _ when type == typeof(double) => (double)(current ?? 0d) + 7,
            _ when type == typeof(TimeSpan) => (TimeSpan)(current ?? TimeSpan.Zero) + TimeSpan.FromSeconds(7),
            _ => throw new NotSupportedException($"no probe value for a {type.Name} setting; add one here"),
        };
        return (Convert.ToString(expected, CultureInfo.InvariantCulture)!, expected);
    }
}

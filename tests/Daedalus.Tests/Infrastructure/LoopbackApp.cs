using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Daedalus.Tests.Infrastructure;

/// <summary>A minimal Kestrel app on 127.0.0.1 and a free port, for the fake SaaS servers.</summary>
public static class LoopbackApp
{
    public static WebApplication Create()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        return builder.Build();
    }

    /// <summary>The address the started app actually listens on.</summary>
    public static Uri Address(WebApplication app) => new(app.Urls.First());
}

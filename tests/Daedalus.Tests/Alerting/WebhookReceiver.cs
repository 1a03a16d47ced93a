using System.Collections.Concurrent;
using System.Diagnostics;
using Daedalus.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Daedalus.Tests.Alerting;

/// <summary>
/// A loopback webhook endpoint: records every request (path, body, Idempotency-Key, arrival), answers each path
/// with its scripted responses in turn (a status code, or <see cref="Hang"/> to never answer), then 200.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public const int Hang = -1;

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _scripts = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _inFlight;

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
    }

    public ConcurrentQueue<WebhookRequest> Requests { get; } = new();

    /// <summary>Requests that arrived and have not been answered (a hanging one stays here).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public Uri Address => LoopbackApp.Address(_app);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var app = LoopbackApp.Create();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{name}", receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    public void Script(string name, params int[] responses) => _scripts[name] = new ConcurrentQueue<int>(responses);

    public string Url(string name) => new Uri(Address, name).ToString();

    public IReadOnlyList<WebhookRequest> For(string name) => Requests.Where(r => r.Name == name).ToList();

    private async Task HandleAsync(HttpContext context, string name)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            Requests.Enqueue(new WebhookRequest(name, buffer.ToArray(), context.Request.Headers["Idempotency-Key"].ToString(), context.Request.ContentType, Stopwatch.GetTimestamp()));
            var status = _scripts.TryGetValue(name, out var script) && script.TryDequeue(out var next) ? next : 200;
            if (status == Hang)
            {
                using var hang = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
                await Task.Delay(Timeout.Infinite, hang.Token);
            }

            context.Response.StatusCode = status;
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}

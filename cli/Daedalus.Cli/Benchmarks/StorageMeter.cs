using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Core.Pipeline;
using Daedalus.Telemetry;

namespace Daedalus.Cli.Benchmarks;

/// <summary>
/// Counts what the queue path asks of storage: a pipeline policy on the bench's storage clients sees every REST call
/// (each one a billed transaction), and a listener on <c>daedalus.claimcheck.bytes</c> sees envelope sizes before and
/// after compression.
/// </summary>
public sealed class StorageMeter : HttpPipelinePolicy, IDisposable
{
    private readonly MeterListener _listener = new();
    private long _transactions;
    private long _messages;
    private long _blobBytes;
    private long _envelopeBytes;
    private long _storedBytes;

    public StorageMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == DaedalusInstruments.MeterName && instrument.Name == "daedalus.claimcheck.bytes")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "form")
                {
                    Interlocked.Add(ref (Equals(tag.Value, "stored") ? ref _storedBytes : ref _envelopeBytes), value);
                }
            }
        });
        _listener.Start();
    }

    public StorageCost Cost => new(Interlocked.Read(ref _transactions), Interlocked.Read(ref _messages), Interlocked.Read(ref _blobBytes), Interlocked.Read(ref _envelopeBytes), Interlocked.Read(ref _storedBytes));

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        return ProcessNextAsync(message, pipeline);
    }

    public void Dispose() => _listener.Dispose();

    private void Count(HttpMessage message)
    {
        Interlocked.Increment(ref _transactions);
        var request = message.Request;
        var path = request.Uri.Path;
        if (request.Method == RequestMethod.Post && path.EndsWith("/messages", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _messages);
        }
        else if (request.Method == RequestMethod.Put && !path.Contains("/messages", StringComparison.Ordinal) && request.Content is { } content && content.TryComputeLength(out var length))
        {
            Interlocked.Add(ref _blobBytes, length);
        }
    }
}

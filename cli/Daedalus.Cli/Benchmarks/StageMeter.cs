using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Daedalus.Telemetry;

namespace Daedalus.Cli.Benchmarks;

/// <summary>Sums <c>daedalus.load.stage.duration</c> by stage: where the loads of a scenario spent their time.</summary>
public sealed class StageMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, double> _seconds = new(StringComparer.Ordinal);

    public StageMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == DaedalusInstruments.MeterName && instrument.Name == "daedalus.load.stage.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "stage" && tag.Value is string stage)
                {
                    _seconds.AddOrUpdate(stage, value, (_, total) => total + value);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>Seconds per stage so far.</summary>
    public IReadOnlyDictionary<string, double> Seconds => new Dictionary<string, double>(_seconds, StringComparer.Ordinal);

    public void Dispose() => _listener.Dispose();
}

// Records PusherWire measurements for one server port, so tests in the same process never see each other's.
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PusherWire.Tests.Telemetry;

/// <summary>A MeterListener on the PusherWire meter that keeps only measurements tagged with <c>server.port</c> = the given port.</summary>
internal sealed class MetricCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly int _port;

    public MetricCapture(int port)
    {
        _port = port;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PusherDiagnostics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public ConcurrentQueue<Measured> Measurements { get; } = new();

    /// <summary>Polls the observable instruments (connections, queue depth) once.</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    public IEnumerable<Measured> Of(string instrument) => Measurements.Where(m => m.Instrument == instrument);

    public double Sum(string instrument) => Of(instrument).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dictionary = new Dictionary<string, object?>();
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            dictionary[tag.Key] = tag.Value;
        }

        if (dictionary.TryGetValue("server.port", out object? port) && port is int p && p == _port)
        {
            Measurements.Enqueue(new Measured(instrument.Name, value, dictionary));
        }
    }

    internal sealed record Measured(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);
}

using System.Buffers;
using System.Text.Json;

namespace PusherWire.Internal;

/// <summary>
/// Writes the client's outgoing Pusher messages with one reused <see cref="Utf8JsonWriter"/> and buffer, so steady-state
/// sends allocate nothing. Not thread-safe: its owner serializes sends.
/// </summary>
internal sealed class FrameWriter : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _json;

    public FrameWriter() => _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });

    public ReadOnlyMemory<byte> Ping() => EmptyDataEvent("pusher:ping"u8);

    public ReadOnlyMemory<byte> Pong() => EmptyDataEvent("pusher:pong"u8);

    public ReadOnlyMemory<byte> Subscribe(string channel, string? auth, string? channelData)
    {
        Start("pusher:subscribe"u8);
        _json.WriteStartObject("data"u8);
        if (auth is not null)
        {
            _json.WriteString("auth"u8, auth);
        }

        if (channelData is not null)
        {
            _json.WriteString("channel_data"u8, channelData);
        }

        _json.WriteString("channel"u8, channel);
        _json.WriteEndObject();
        return End();
    }

    /// <summary><c>pusher:signin</c> with the user authenticator's answer (pusher-js user.ts).</summary>
    public ReadOnlyMemory<byte> SignIn(string auth, string userData)
    {
        Start("pusher:signin"u8);
        _json.WriteStartObject("data"u8);
        _json.WriteString("auth"u8, auth);
        _json.WriteString("user_data"u8, userData);
        _json.WriteEndObject();
        return End();
    }

    public ReadOnlyMemory<byte> Unsubscribe(string channel)
    {
        Start("pusher:unsubscribe"u8);
        _json.WriteStartObject("data"u8);
        _json.WriteString("channel"u8, channel);
        _json.WriteEndObject();
        return End();
    }

    /// <summary>A client event; <paramref name="jsonData"/> is written as the raw JSON value, as pusher-js sends it.</summary>
    public ReadOnlyMemory<byte> ClientEvent(string channel, string eventName, ReadOnlySpan<byte> jsonData)
    {
        Start(eventName);
        _json.WriteString("channel"u8, channel);
        _json.WritePropertyName("data"u8);
        _json.WriteRawValue(jsonData, skipInputValidation: false);
        return End();
    }

    private ReadOnlyMemory<byte> EmptyDataEvent(ReadOnlySpan<byte> name)
    {
        Start(name);
        _json.WriteStartObject("data"u8);
        _json.WriteEndObject();
        return End();
    }

    private void Start(ReadOnlySpan<byte> eventName)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString("event"u8, eventName);
    }

    private void Start(string eventName)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString("event"u8, eventName);
    }

    private ReadOnlyMemory<byte> End()
    {
        _json.WriteEndObject();
        _json.Flush();
        return _buffer.WrittenMemory;
    }

    public void Dispose() => _json.Dispose();
}

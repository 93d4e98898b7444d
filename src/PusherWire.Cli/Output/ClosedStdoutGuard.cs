// Ends the process quietly (exit 0) when stdout's reader goes away, as `pusherwire demo | head -1` needs.
using Microsoft.Win32.SafeHandles;

namespace PusherWire.Cli.Output;

/// <summary>
/// The process's stdout as a stream that notices a closed pipe. .NET's console stream ignores EPIPE, so a CLI writing to
/// <c>| head</c> would run forever; a <see cref="FileStream"/> on descriptor 1 reports it as an <see cref="IOException"/>.
/// Then there is nobody left to tell anything, so the process exits with 0 at once (clig.dev: a closed stdout is not an
/// error), the way a SIGPIPE ends a C program.
/// </summary>
internal sealed class ClosedStdoutGuard : Stream
{
    private readonly Stream _inner;
    private readonly Action _onClosed;

    public ClosedStdoutGuard(Stream inner, Action onClosed)
    {
        _inner = inner;
        _onClosed = onClosed;
    }

    /// <summary>stdout as a guarded stream: descriptor 1 when it is redirected on Unix, else the console stream.</summary>
    public static Stream OpenStdout()
    {
        if (!Console.IsOutputRedirected || OperatingSystem.IsWindows())
        {
            return Console.OpenStandardOutput();
        }

        var descriptor = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        return new ClosedStdoutGuard(descriptor, static () => Environment.Exit(ExitCodes.Ok));
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            _inner.Write(buffer);
        }
        catch (IOException)
        {
            _onClosed();
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            _onClosed();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
        try
        {
            _inner.Flush();
        }
        catch (IOException)
        {
            _onClosed();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Flush();
        return Task.CompletedTask;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

using System.Text;

namespace PusherWire.Cli.Tests;

/// <summary>A thread-safe TextWriter that records complete lines and lets a test await one.</summary>
internal sealed class CapturingWriter : TextWriter
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _all = new();
    private readonly StringBuilder _line = new();
    private readonly List<string> _lines = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Every complete line so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Everything written, partial last line included.</summary>
    public string Text
    {
        get
        {
            lock (_gate)
            {
                return _all.ToString();
            }
        }
    }

    public override void Write(char value)
    {
        TaskCompletionSource? signal = null;
        lock (_gate)
        {
            _all.Append(value);
            if (value == '\n')
            {
                _lines.Add(_line.ToString().TrimEnd('\r'));
                _line.Clear();
                signal = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            else
            {
                _line.Append(value);
            }
        }

        signal?.TrySetResult();
    }

    public override void Write(string? value)
    {
        foreach (char c in value ?? "")
        {
            Write(c);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        for (int i = index; i < index + count; i++)
        {
            Write(buffer[i]);
        }
    }

    /// <summary>Waits until the lines so far satisfy <paramref name="condition"/>.</summary>
    public async Task<IReadOnlyList<string>> WaitUntilAsync(Func<IReadOnlyList<string>, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition(_lines))
                {
                    return [.. _lines];
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Waits for a line that satisfies <paramref name="match"/> and returns it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, CancellationToken cancellationToken) =>
        (await WaitUntilAsync(lines => lines.Any(match), cancellationToken)).First(match);
}

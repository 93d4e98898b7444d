// CPU time and peak RSS of another process, read from /proc while it is still alive.
using System.Globalization;

namespace PusherWire.Comparison;

/// <summary>User+system CPU and peak resident set size of a live process (Linux /proc).</summary>
internal readonly record struct ProcStats(TimeSpan Cpu, long PeakRssBytes)
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux configuration in use

    public static ProcStats Read(int pid)
    {
        // /proc/<pid>/stat: the command may hold spaces, so count fields after the closing parenthesis.
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        long stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        long hwmKb = 0;
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwmKb = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return new ProcStats(TimeSpan.FromSeconds((utime + stime) / TicksPerSecond), hwmKb * 1024);
    }
}

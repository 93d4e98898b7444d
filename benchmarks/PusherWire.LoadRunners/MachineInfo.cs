using System.Runtime.InteropServices;

namespace PusherWire.LoadRunners;

/// <summary>What a benchmark result needs next to it: cores, CPU model, runtime, OS and the current load.</summary>
public static class MachineInfo
{
    /// <summary>The CPU model (from <c>/proc/cpuinfo</c> on Linux), or the architecture elsewhere.</summary>
    public static string CpuModel
    {
        get
        {
            try
            {
                if (File.Exists("/proc/cpuinfo"))
                {
                    string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                    if (line is not null)
                    {
                        return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                    }
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }

            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    /// <summary>The 1/5/15-minute load averages (from <c>/proc/loadavg</c>), or "n/a".</summary>
    public static string LoadAverage
    {
        get
        {
            try
            {
                if (File.Exists("/proc/loadavg"))
                {
                    string[] parts = File.ReadAllText("/proc/loadavg").Split(' ');
                    return string.Join(' ', parts.Take(3));
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }

            return "n/a";
        }
    }

    /// <summary>One line: cores, CPU, runtime, OS, GC mode and load.</summary>
    public static string Describe() =>
        $"{Environment.ProcessorCount} cores, {CpuModel}, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, " +
        $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, load average {LoadAverage}";
}

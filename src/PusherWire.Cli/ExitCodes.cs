namespace PusherWire.Cli;

/// <summary>The CLI's exit codes (documented in docs/cli.md).</summary>
internal static class ExitCodes
{
    /// <summary>Finished: --count reached, Ctrl+C, or the server stopped a demo.</summary>
    public const int Ok = 0;

    /// <summary>Fatal: the connection was refused for good (4001-4099, 4300+) or every channel was refused.</summary>
    public const int Fatal = 1;

    /// <summary>Bad arguments.</summary>
    public const int BadArguments = 2;

    /// <summary>--timeout elapsed before --count events arrived.</summary>
    public const int Timeout = 3;
}

using System.CommandLine;

namespace PusherWire.Cli.Demo;

/// <summary><c>pusherwire serve</c>: run the embedded ChatApp-compatible server until Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0 = any free port)", DefaultValueFactory = _ => 0 };
        var rate = new Option<double>("--rate") { Description = "Sample events per second", DefaultValueFactory = _ => 2 };
        var token = new Option<string>("--token") { Description = "Access token the auth endpoint requires", DefaultValueFactory = _ => new ChatAppDemoOptions().Token };
        var command = new Command("serve", "Run an embedded ChatApp-compatible Pusher server on loopback that publishes the sample events") { port, rate, token };
        command.SetAction(async (result, ct) =>
        {
            double eventsPerSecond = result.GetValue(rate);
            if (eventsPerSecond is <= 0 or > 1_000_000)
            {
                throw new CliArgumentException("--rate must be above 0 and at most 1000000.");
            }

            var options = new ChatAppDemoOptions { Port = result.GetValue(port), EventsPerSecond = eventsPerSecond, Token = result.GetValue(token)! };
            await using ChatAppDemoServer server = await ChatAppDemoServer.StartAsync(options, ct).ConfigureAwait(false);
            await stdout.WriteLineAsync($"ws url:        {server.Server.WebSocketUri}").ConfigureAwait(false);
            await stdout.WriteLineAsync($"auth endpoint: {server.Server.AuthEndpoint}").ConfigureAwait(false);
            await stdout.WriteLineAsync($"token:         {options.Token}   (a demo value, not a secret)").ConfigureAwait(false);
            await stdout.WriteLineAsync($"channels:      {string.Join(", ", options.Channels)}").ConfigureAwait(false);
            await stdout.WriteLineAsync($"listen with:   pusherwire listen --no-tls --host {server.Server.Host} --port {server.Server.Port} --auth-endpoint {server.Server.AuthEndpoint} --token {options.Token} --license {options.License} --messenger {options.Messengers[0]} --company {options.Company} --user {options.User}").ConfigureAwait(false);
            await stdout.FlushAsync(ct).ConfigureAwait(false);
            try
            {
                await server.PublishAsync(null, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}

// DI registration: AddPusherWire (any Pusher server) and AddChatApp (ChatApp's preset), both from configuration.
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PusherWire.Authorization;
using PusherWire.ChatApp;

namespace PusherWire.Extensions.Hosting;

/// <summary>
/// Registers one <see cref="PusherClient"/> singleton, its <see cref="PusherWireSettings"/>, the ILogger bridge
/// (<see cref="PusherWireLog"/>) and <see cref="PusherWireHostedService"/>, which connects on start and disconnects on stop.
/// </summary>
public static class PusherWireServiceCollectionExtensions
{
    /// <summary>A client for any Pusher server, configured from <paramref name="configuration"/> (a section shaped like <see cref="PusherWireSettings"/>).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section, e.g. <c>builder.Configuration.GetSection("PusherWire")</c>.</param>
    /// <param name="configure">Changes the options built from the settings (timeouts, authorizer, ...); runs once, at creation.</param>
    public static IServiceCollection AddPusherWire(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, PusherOptions, PusherOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddPusherWire(Bind(configuration), configure);
    }

    /// <summary>A client for any Pusher server, configured in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="settings">The settings; <see cref="PusherWireSettings.Key"/> is required.</param>
    /// <param name="configure">Changes the options built from the settings; runs once, at creation.</param>
    public static IServiceCollection AddPusherWire(this IServiceCollection services, PusherWireSettings settings, Func<IServiceProvider, PusherOptions, PusherOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        return services.AddClient(settings, sp =>
        {
            if (string.IsNullOrWhiteSpace(settings.Key))
            {
                throw new InvalidOperationException("PusherWire: the configuration has no 'Key' (the Pusher application key).");
            }

            var options = new PusherOptions(settings.Key)
            {
                Host = settings.Host ?? new PusherOptions(settings.Key).Host,
                Port = settings.Port,
                UseTls = settings.UseTls ?? true,
                AllowInsecureTransport = settings.AllowInsecureTransport,
                MetricsIncludeChannelName = settings.MetricsIncludeChannelName,
                TimeProvider = sp.GetService<TimeProvider>() ?? TimeProvider.System,
                Authorizer = settings.AuthEndpoint is { } endpoint
                    ? new HttpChannelAuthorizer(new HttpChannelAuthorizerOptions(endpoint)
                    {
                        AllowInsecureTransport = settings.AllowInsecureTransport,
                        AuthorizationProvider = settings.Token is { } token ? _ => ValueTask.FromResult(token) : null,
                    })
                    : null,
            };
            return configure is null ? options : configure(sp, options);
        });
    }

    /// <summary>
    /// A client for ChatApp, configured from <paramref name="configuration"/>: only <c>Token</c> (or
    /// <paramref name="tokenProvider"/>, or a <see cref="ChatAppTokenManager"/> registered in the container) is required;
    /// host, port, key and auth endpoint default to ChatApp's.
    /// </summary>
    /// <remarks>
    /// The token source, first match wins: <paramref name="tokenProvider"/>; a registered <see cref="ChatAppTokenManager"/>
    /// (refreshes the pair ahead of expiry and after a 401, so the service outlives the 24-hour access token);
    /// <c>Token</c> from configuration.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section, e.g. <c>builder.Configuration.GetSection("ChatApp")</c>.</param>
    /// <param name="tokenProvider">
    /// Produces the access token on every channel authorization (use it for refreshable tokens or a secret store);
    /// when given, <c>Token</c> in configuration is ignored.
    /// </param>
    public static IServiceCollection AddChatApp(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, CancellationToken, ValueTask<string>>? tokenProvider = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddChatApp(Bind(configuration), tokenProvider);
    }

    /// <summary>A client for ChatApp, configured in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="settings">The settings; unset values default to ChatApp's production endpoint.</param>
    /// <param name="tokenProvider">Produces the access token; when given, <see cref="PusherWireSettings.Token"/> is ignored.</param>
    public static IServiceCollection AddChatApp(this IServiceCollection services, PusherWireSettings settings, Func<IServiceProvider, CancellationToken, ValueTask<string>>? tokenProvider = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        return services.AddClient(settings, sp =>
        {
            // A registered ChatAppTokenManager keeps the pair alive (refresh ahead of expiry and after a 401, make as
            // the fallback); an explicit tokenProvider still wins, and configuration's Token is the last resort.
            ChatAppTokenManager? manager = tokenProvider is null ? sp.GetService<ChatAppTokenManager>() : null;
            var chatApp = new ChatAppOptions
            {
                Token = tokenProvider is null && manager is null ? settings.Token : null,
                TokenProvider = tokenProvider is null ? null : ct => tokenProvider(sp, ct),
                TokenManager = manager,
                Host = settings.Host ?? ChatAppOptions.DefaultHost,
                Port = settings.Port ?? ChatAppOptions.DefaultPort,
                UseTls = settings.UseTls ?? true,
                Key = settings.Key ?? ChatAppOptions.DefaultKey,
                AuthEndpoint = settings.AuthEndpoint ?? new Uri(ChatAppOptions.DefaultAuthEndpoint),
                AllowInsecureTransport = settings.AllowInsecureTransport,
            };
            if (chatApp.Token is null && chatApp.TokenProvider is null && chatApp.TokenManager is null)
            {
                throw new InvalidOperationException("ChatApp: no access token. Set 'Token' in the configuration section (or the CHATAPP_TOKEN-style environment variable mapped to it), pass a tokenProvider to AddChatApp, or register a ChatAppTokenManager.");
            }

            return ChatAppClientFactory.CreatePusherOptions(chatApp) with
            {
                MetricsIncludeChannelName = settings.MetricsIncludeChannelName,
                TimeProvider = sp.GetService<TimeProvider>() ?? TimeProvider.System,
            };
        });
    }

    private static PusherWireSettings Bind(IConfiguration configuration)
    {
        var settings = new PusherWireSettings();
        configuration.Bind(settings);
        return settings;
    }

    private static IServiceCollection AddClient(this IServiceCollection services, PusherWireSettings settings, Func<IServiceProvider, PusherOptions> createOptions)
    {
        services.TryAddSingleton(settings);
        services.TryAddSingleton(sp =>
        {
            var client = new PusherClient(createOptions(sp));
            ILogger logger = sp.GetService<ILoggerFactory>()?.CreateLogger(PusherWireLog.Category) ?? NullLogger.Instance;
            // Attached for the client's whole life: the container disposes the client, which ends its events.
            _ = PusherWireLog.Attach(client, logger);
            return client;
        });
        services.AddHostedService<PusherWireHostedService>();
        return services;
    }
}

// The worker's host: ChatApp client from configuration ("ChatApp" section, CHATAPP__TOKEN etc. from the environment),
// a health check, and the worker that consumes typed events.
using ChatAppWorker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PusherWire.Extensions.Hosting;

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Services.AddChatApp(builder.Configuration.GetSection("ChatApp"));
builder.Services.AddHealthChecks().AddPusherWire();
builder.Services.AddHostedService<ChatEventsWorker>();
await builder.Build().RunAsync();

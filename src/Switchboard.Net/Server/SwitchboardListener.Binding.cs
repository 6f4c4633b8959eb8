using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;

namespace Switchboard.Net;

// Binding: one Kestrel server on the listener's endpoint. A stopped Kestrel server cannot start again, so each
// time the listener binds after releasing its address it builds a new one.
public sealed partial class SwitchboardListener
{
    private async Task BindAsync(EndPoint? previous, CancellationToken cancellationToken)
    {
        if (_options.EndPoint is UnixDomainSocketEndPoint unix)
        {
            await UnixSocketFile.ClaimAsync(unix.ToString(), cancellationToken);
        }

        // Port 0 comes back on the port it had when that is still free, so clients that learned it can return.
        if (_options.EndPoint is IPEndPoint { Port: 0 } any && previous is IPEndPoint { Port: not 0 } before)
        {
            try
            {
                await BindOnceAsync(new IPEndPoint(any.Address, before.Port), cancellationToken);
                return;
            }
            catch (IOException ex) when (ex.InnerException is { } inner && IsAddressInUse(inner))
            {
            }
        }

        await BindOnceAsync(_options.EndPoint, cancellationToken);
    }

    private async Task BindOnceAsync(EndPoint endPoint, CancellationToken cancellationToken)
    {
        var binding = new Binding();
        // An empty web host gives Kestrel the services it expects (metrics, TLS middleware) without any HTTP
        // pipeline: the endpoint below runs our connection delegate only.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(_loggerFactory);
        if (_options.InlineScheduling)
        {
            builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        }

        ListenOptions? bound = null;
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(endPoint, listen =>
            {
                bound = listen;
                if (_options.Certificate is { } certificate)
                {
                    listen.Protocols = HttpProtocols.Http1;
                    listen.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = certificate,
                        SslProtocols = SslProtocols.None,
                        HandshakeTimeout = TimeSpan.FromSeconds(10),
                    });
                }

                listen.Run(context => OnConnectionAsync(binding, context));
            });
        });

        binding.Host = builder.Build();
        binding.Server = binding.Host.Services.GetRequiredService<IServer>();
        Binding? before;
        lock (_gate)
        {
            // Accept from the first connection on: it may arrive before StartAsync returns.
            before = _binding;
            _binding = binding;
            _state = ListenerState.Listening;
        }

        try
        {
            await binding.Server.StartAsync(new NoHttpApplication(), cancellationToken);
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                _binding = before;
                _state = ListenerState.Stopped;
            }

            await binding.Host.DisposeAsync();
            if (ex is IOException && IsAddressInUse(ex))
            {
                throw new IOException($"cannot listen on {SwitchboardConnection.DescribeEndPoint(endPoint)}: the address is already in use", ex);
            }

            throw;
        }

        binding.EndPoint = bound?.EndPoint ?? endPoint;
        BoundEndPoint = binding.EndPoint;
        Log.Listening(_logger, _options.TransportKind, SwitchboardConnection.DescribeEndPoint(BoundEndPoint));
    }

    private static bool IsAddressInUse(Exception ex)
        => ex.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
            || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase);

    private sealed class Binding : IAsyncDisposable
    {
        private int _disposed;

        public WebApplication Host { get; set; } = null!;

        public IServer Server { get; set; } = null!;

        public EndPoint EndPoint { get; set; } = new IPEndPoint(IPAddress.None, 0);

        /// <summary>Kestrel's stop, once begun: the address is free when it completes.</summary>
        public Task? Released { get; set; }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            if (Released is { } released)
            {
                await released.ContinueWith(_ => { }, TaskScheduler.Default);
            }

            await Host.DisposeAsync();
        }
    }

    private sealed class NoHttpApplication : IHttpApplication<object>
    {
        public object CreateContext(IFeatureCollection contextFeatures) => throw new NotSupportedException("raw connection listener");

        public void DisposeContext(object context, Exception? exception)
        {
        }

        public Task ProcessRequestAsync(object context) => Task.CompletedTask;
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using DistKit.Testing.Internal;

namespace DistKit.Testing;

/// <summary>A throwaway <c>nats-server</c> with JetStream (Debian package <c>nats-server</c>).</summary>
public sealed class NatsServer() : ServerProcess("nats")
{
    private readonly string _binary = Binaries.Find("nats-server", "nats-server");

    /// <summary>The URL NATS.Net takes.</summary>
    public override string ConnectionString => $"nats://127.0.0.1:{Port}";

    /// <inheritdoc />
    protected override ProcessStartInfo CreateStartInfo()
    {
        var start = new ProcessStartInfo(_binary);
        foreach (var arg in (string[])["-a", "127.0.0.1", "-p", Port.ToString(), "-js", "-sd", Path.Combine(WorkDirectory, "jetstream")])
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <inheritdoc />
    protected override async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
        var buffer = new byte[4096];
        var read = await client.GetStream().ReadAsync(buffer, cancellationToken);
        var info = Encoding.ASCII.GetString(buffer, 0, read);
        return info.StartsWith("INFO ", StringComparison.Ordinal) && info.Contains("\"jetstream\":true", StringComparison.Ordinal);
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using DistKit.Testing.Internal;

namespace DistKit.Testing;

/// <summary>A throwaway <c>redis-server</c> (Debian package <c>redis-server</c>).</summary>
/// <param name="persistent">Keep data across <see cref="ServerProcess.RestartAsync"/> (append-only file, fsync every write); off by default, as in production caches.</param>
public sealed class RedisServer(bool persistent = false) : ServerProcess("redis")
{
    private readonly string _binary = Binaries.Find("redis-server", "redis-server");

    /// <summary>A StackExchange.Redis configuration string.</summary>
    public override string ConnectionString => $"127.0.0.1:{Port}";

    /// <inheritdoc />
    protected override ProcessStartInfo CreateStartInfo()
    {
        var start = new ProcessStartInfo(_binary);
        foreach (var arg in (string[])["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--dir", WorkDirectory,
                     "--appendonly", persistent ? "yes" : "no", "--appendfsync", "always", "--daemonize", "no", "--protected-mode", "no"])
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
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer, cancellationToken);
        return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
    }
}

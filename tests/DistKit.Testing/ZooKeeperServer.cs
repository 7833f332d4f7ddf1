using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using DistKit.Testing.Internal;

namespace DistKit.Testing;

/// <summary>A throwaway standalone ZooKeeper (Debian package <c>zookeeper</c>, run on the JVM it brings).</summary>
public sealed class ZooKeeperServer() : ServerProcess("zookeeper")
{
    private const string Jars = "/usr/share/java";
    private readonly string _java = Binaries.Find("java", "default-jre-headless");

    /// <summary>The connect string a ZooKeeper client takes (<c>host:port</c>).</summary>
    public override string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Sends a four-letter command (<c>ruok</c>, <c>stat</c>, <c>mntr</c>) and returns the answer.</summary>
    public async Task<string> FourLetterWordAsync(string command, CancellationToken cancellationToken = default)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command), cancellationToken);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(Jars, "zookeeper.jar")))
        {
            throw new ServerBinaryMissingException(Path.Combine(Jars, "zookeeper.jar"), "zookeeper");
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override ProcessStartInfo CreateStartInfo()
    {
        File.WriteAllText(Path.Combine(WorkDirectory, "zoo.cfg"), $"""
            tickTime=2000
            dataDir={Path.Combine(WorkDirectory, "data")}
            clientPort={Port}
            clientPortAddress=127.0.0.1
            admin.enableServer=false
            4lw.commands.whitelist=*
            """);
        var start = new ProcessStartInfo(_java);
        foreach (var arg in (string[])["-Xmx256m", "-cp", $"{Jars}/zookeeper.jar:{Jars}/*",
                     "org.apache.zookeeper.server.quorum.QuorumPeerMain", Path.Combine(WorkDirectory, "zoo.cfg")])
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <inheritdoc />
    protected override async Task<bool> IsReadyAsync(CancellationToken cancellationToken) =>
        await FourLetterWordAsync("ruok", cancellationToken) == "imok";
}

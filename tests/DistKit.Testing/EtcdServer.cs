using System.Diagnostics;
using DistKit.Testing.Internal;

namespace DistKit.Testing;

/// <summary>A throwaway single-member <c>etcd</c> (Debian package <c>etcd-server</c>).</summary>
public sealed class EtcdServer() : ServerProcess("etcd")
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly string _binary = Binaries.Find("etcd", "etcd-server");
    private int _peerPort = FreePorts.Next();

    /// <summary>The client URL, as dotnet-etcd takes it.</summary>
    public override string ConnectionString => $"http://127.0.0.1:{Port}";

    /// <inheritdoc />
    protected override void OnPortChanged() => _peerPort = FreePorts.Next();

    /// <inheritdoc />
    protected override ProcessStartInfo CreateStartInfo()
    {
        var client = $"http://127.0.0.1:{Port}";
        var peer = $"http://127.0.0.1:{_peerPort}";
        var start = new ProcessStartInfo(_binary);
        foreach (var arg in (string[])["--name", "default", "--data-dir", Path.Combine(WorkDirectory, "data"),
                     "--listen-client-urls", client, "--advertise-client-urls", client,
                     "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                     "--initial-cluster", $"default={peer}", "--log-level", "warn"])
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <inheritdoc />
    protected override async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        var body = await Http.GetStringAsync(new Uri($"http://127.0.0.1:{Port}/health"), cancellationToken);
        return body.Contains("\"health\":\"true\"", StringComparison.Ordinal);
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using DistKit.Testing;
using StackExchange.Redis;

namespace DistKit.Packaging.Tests;

/// <summary>
/// samples/LocksAndIds, an ASP.NET app written only against the packed packages (a local feed, no
/// project references), on a real Redis: it starts, issues increasing ids, holds a lock that a
/// second acquire cannot take, and its lock and worker id are keys in that Redis.
/// </summary>
public sealed class SampleAppTests(RedisFixture redis) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-sample-").FullName;

    [Fact(Timeout = 900_000)]
    public async Task SampleApp_FromThePackages_IssuesIdsAndLocksInRedis()
    {
        var cancel = TestContext.Current.CancellationToken;
        var (feed, version) = await PackageFeed.GetAsync();
        var app = Path.Combine(_dir, "app");
        CopyDirectory(Path.Combine(Repository.Root, "samples", "LocksAndIds"), app);
        var build = await Dotnet.RunAsync(app, TimeSpan.FromMinutes(10), "build", "-c", "Release", "-o", Path.Combine(_dir, "out"), "-nologo", "-v:q",
            $"-p:RestoreAdditionalProjectSources={feed}", $"-p:DistKitVersion={version}");
        Assert.True(build.ExitCode == 0, $"the sample does not build from the packages: {build.Output}");
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(_dir, "out")), f => Path.GetFileName(f).Contains("sqlite", StringComparison.OrdinalIgnoreCase));

        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.Combine(_dir, "out") };
        start.ArgumentList.Add(Path.Combine(_dir, "out", "LocksAndIds.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        // The rest (locks and worker ids on Redis) comes from the sample's own appsettings.json.
        start.Environment["DistKit__Engines__Redis"] = redis.ConnectionString;
        start.Environment["DistKit__DataDir"] = Path.Combine(_dir, "data");
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var up = await Until.TrueAsync(async () =>
            {
                try
                {
                    using var probe = await http.GetAsync(new Uri("/ids", UriKind.Relative), cancel);
                    return probe.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return !process.HasExited && false;
                }
            }, TimeSpan.FromSeconds(60), cancel);
            Assert.True(up, $"the sample did not answer within 60 s: {output}");

            var ids = JsonSerializer.Deserialize<string[]>(await http.GetStringAsync(new Uri("/ids?count=5", UriKind.Relative), cancel))!.Select(long.Parse).ToArray();
            Assert.Equal(5, ids.Length);
            Assert.True(ids.Zip(ids.Skip(1)).All(p => p.Second > p.First), string.Join(", ", ids));

            var name = "sample-" + Guid.NewGuid().ToString("N")[..8];
            using var held = await http.PostAsync(new Uri($"/locks/{name}", UriKind.Relative), null, cancel);
            using var refused = await http.PostAsync(new Uri($"/locks/{name}", UriKind.Relative), null, cancel);
            Assert.Equal(HttpStatusCode.OK, held.StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);

            await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
            var db = connection.GetDatabase();
            Assert.True(await db.KeyExistsAsync($"distkit:lock:{{{name}}}"), "the sample's lock is a key in Redis");
            var server = connection.GetServer(connection.GetEndPoints()[0]);
            var workerKeys = new List<RedisKey>();
            await foreach (var key in server.KeysAsync(pattern: "distkit:lease:{ids/snowflake/worker/*}"))
            {
                workerKeys.Add(key);
            }

            Assert.NotEmpty(workerKeys);

            using var released = await http.DeleteAsync(new Uri($"/locks/{name}", UriKind.Relative), cancel);
            Assert.Equal(HttpStatusCode.OK, released.StatusCode);
            Assert.False(await db.KeyExistsAsync($"distkit:lock:{{{name}}}"), "releasing deletes the key");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}

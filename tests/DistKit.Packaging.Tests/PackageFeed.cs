using DistKit.Testing;
using System.Diagnostics;

namespace DistKit.Packaging.Tests;

/// <summary>
/// The packages <c>dotnet pack DistKit.slnx</c> produced: the folder and version scripts/test.sh
/// exports (<c>DISTKIT_TEST_PACKAGES</c>, <c>DISTKIT_TEST_PACKAGE_VERSION</c>), or, when the tests
/// run on their own, a pack of the built solution made on first use. Each run packs a version of its
/// own, so NuGet's cache never hands a sample an older build of the same version.
/// </summary>
internal static class PackageFeed
{
    private static readonly Lazy<Task<(string Directory, string Version)>> Packed = new(PackAsync);

    public static Task<(string Directory, string Version)> GetAsync() => Packed.Value;

    private static async Task<(string Directory, string Version)> PackAsync()
    {
        if (Environment.GetEnvironmentVariable("DISTKIT_TEST_PACKAGES") is { Length: > 0 } dir
            && Environment.GetEnvironmentVariable("DISTKIT_TEST_PACKAGE_VERSION") is { Length: > 0 } version)
        {
            return (dir, version);
        }

        var output = Directory.CreateTempSubdirectory("distkit-packages-").FullName;
        var own = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}";
        var result = await Dotnet.RunAsync(Repository.Root, TimeSpan.FromMinutes(5), "pack", "DistKit.slnx", "-c", "Release", "--no-build", "-o", output, $"-p:PackageVersion={own}", "-nologo", "-v:q");
        Assert.True(result.ExitCode == 0, $"dotnet pack failed ({result.ExitCode}): {result.Output}");
        return (output, own);
    }
}

/// <summary>Runs the dotnet CLI to completion, output captured.</summary>
internal static class Dotnet
{
    public sealed record Result(int ExitCode, string Output);

    public static async Task<Result> RunAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish within {timeout.TotalMinutes:F0} min");
        }

        return new Result(process.ExitCode, (await stdout) + (await stderr));
    }
}

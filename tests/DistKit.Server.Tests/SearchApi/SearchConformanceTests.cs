using System.Text.Json.Nodes;

namespace DistKit.Server.Tests.SearchApi;

/// <summary>One node for all scenarios; every index is deleted after each, as Elasticsearch's runner wipes its cluster.</summary>
public sealed class SearchNodeFixture : IAsyncLifetime
{
    internal InProcessNode Node { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Node = await InProcessNode.StartAsync();

    public async ValueTask DisposeAsync() => await Node.DisposeAsync();
}

/// <summary>The conformance scenarios in <c>SearchApi/rest/*.yml</c>, one test case each.</summary>
public sealed class SearchConformanceTests(SearchNodeFixture fixture) : IClassFixture<SearchNodeFixture>
{
    public static TheoryData<string, string> Scenarios()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in RestFile.All())
        {
            foreach (var test in file.Tests.Keys)
            {
                data.Add(file.Name, test);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario(string file, string test)
    {
        var cancel = TestContext.Current.CancellationToken;
        var scenarios = RestFile.Load(Path.Combine(RestFile.Directory, file + ".yml"));
        var runner = new RestRunner(fixture.Node.Search!);
        try
        {
            await runner.RunAsync(scenarios.Setup, $"{file}: setup", cancel);
            await runner.RunAsync(scenarios.Tests[test], $"{file}: \"{test}\"", cancel);
            await runner.RunAsync(scenarios.Teardown, $"{file}: teardown", cancel);
        }
        finally
        {
            await WipeAsync(cancel);
        }
    }

    [Fact]
    public void Scenarios_CoverEveryFile()
    {
        var files = RestFile.All().ToList();
        Assert.True(files.Count >= 8, $"expected the scenario files under {RestFile.Directory}, found {files.Count}");
        Assert.All(files, f => Assert.NotEmpty(f.Tests));
    }

    [Fact]
    public async Task Runner_FailsWhenAMatchDoesNotHold()
    {
        var cancel = TestContext.Current.CancellationToken;
        var runner = new RestRunner(fixture.Node.Search!);
        JsonObject[] steps =
        [
            new() { ["do"] = new JsonObject { ["info"] = new JsonObject() } },
            new() { ["match"] = new JsonObject { ["version.number"] = "0.0.0-never" } },
        ];

        var failure = await Assert.ThrowsAsync<Xunit.Sdk.XunitException>(() => runner.RunAsync(steps, "inline", cancel));
        Assert.Contains("version.number", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runner_FailsWhenAnExpectedErrorDoesNotCome()
    {
        var cancel = TestContext.Current.CancellationToken;
        var runner = new RestRunner(fixture.Node.Search!);
        JsonObject[] steps = [new() { ["do"] = new JsonObject { ["catch"] = "missing", ["info"] = new JsonObject() } }];

        await Assert.ThrowsAsync<Xunit.Sdk.XunitException>(() => runner.RunAsync(steps, "inline", cancel));
    }

    private async Task WipeAsync(CancellationToken cancellationToken)
    {
        var http = fixture.Node.Search!;
        var indices = JsonNode.Parse(await http.GetStringAsync("/_cat/indices?format=json&h=index", cancellationToken))!.AsArray();
        foreach (var index in indices)
        {
            using var deleted = await http.DeleteAsync("/" + index!["index"]!.GetValue<string>(), cancellationToken);
            deleted.EnsureSuccessStatusCode();
        }
    }
}

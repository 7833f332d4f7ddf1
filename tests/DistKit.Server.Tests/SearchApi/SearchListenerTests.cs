using System.Net;
using System.Net.Http.Headers;
using DistKit.Server.Settings;

namespace DistKit.Server.Tests.SearchApi;

/// <summary>The search API's own listener: tokens, media types, off when told.</summary>
public sealed class SearchListenerTests
{
    private const string Token = "search-token-0123456789";

    [Fact]
    public async Task SearchApi_WithTokens_RefusesRequestsWithoutOne_AndTakesBearerOrApiKey()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var node = await InProcessNode.StartAsync(NodeSettings.Default with { Tokens = [Token] });

        using var anonymous = await node.Search!.PutAsync("/secret", null, cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("security_exception", await anonymous.Content.ReadAsStringAsync(cancel), StringComparison.Ordinal);
        Assert.Contains("Elasticsearch", anonymous.Headers.GetValues("X-Elastic-Product"));

        foreach (var scheme in new[] { "Bearer", "ApiKey" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, Token);
            using var allowed = await node.Search.SendAsync(request, cancel);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var check = new HttpRequestMessage(HttpMethod.Head, "/secret");
        check.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var exists = await node.Search.SendAsync(check, cancel);
        Assert.Equal(HttpStatusCode.NotFound, exists.StatusCode); // the anonymous create made nothing
    }

    [Fact]
    public async Task SearchApi_AnswersInTheCompatibleMediaTypeAskedFor_AndRefusesOlderOnes()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var node = await InProcessNode.StartAsync();

        using var nine = new HttpRequestMessage(HttpMethod.Get, "/");
        nine.Headers.TryAddWithoutValidation("Accept", "application/vnd.elasticsearch+json; compatible-with=9");
        using var answered = await node.Search!.SendAsync(nine, cancel);
        Assert.Equal("application/vnd.elasticsearch+json; compatible-with=9", answered.Content.Headers.ContentType?.ToString());

        using var seven = new HttpRequestMessage(HttpMethod.Get, "/");
        seven.Headers.TryAddWithoutValidation("Accept", "application/vnd.elasticsearch+json; compatible-with=7");
        using var refused = await node.Search.SendAsync(seven, cancel);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("media_type_header_exception", await refused.Content.ReadAsStringAsync(cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchApi_None_StartsNoListener()
    {
        await using var node = await InProcessNode.StartAsync(NodeSettings.Default.With("Search:Urls", "none"));

        Assert.Null(node.SearchAddress);
    }
}

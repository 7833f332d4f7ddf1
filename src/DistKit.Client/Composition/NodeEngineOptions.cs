namespace DistKit.Client.Composition;

/// <summary>Where DistKit finds a node to use as an engine: <c>DistKit:Engines:Node</c> and <c>DistKit:Engines:NodeToken</c>.</summary>
/// <remarks>The token is a secret: DistKit never logs it.</remarks>
public sealed class NodeEngineOptions
{
    /// <summary>The node's address (<c>http://127.0.0.1:7070</c>). Key: <c>DistKit:Engines:Node</c>. Default: none.</summary>
    public Uri? Url { get; set; }

    /// <summary>The API token, when the node requires one. Key: <c>DistKit:Engines:NodeToken</c>. Default: none.</summary>
    public string? Token { get; set; }

    /// <summary>How long one request may take, waiting for a lock included. Default: 100 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);
}

using DistKit.Client;
using DistKit.Client.Locks;

namespace DistKit.Docs.Snippets;

// docs/node.md
internal static class ClientSnippets
{
    public static async Task NodeAsync()
    {
        using var node = new NodeClient(new Uri("http://127.0.0.1:7070"), token: null);
        long[] ids = await node.NextIdsAsync(count: 10);
        long[] invoiceNumbers = await node.TakeSegmentIdsAsync("invoices", count: 3);

        var locks = new NodeLockProvider(node);
        await using var held = await locks.CreateLock("import").TryAcquireAsync(TimeSpan.FromSeconds(5));
    }
}

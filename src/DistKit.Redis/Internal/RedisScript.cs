using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace DistKit.Redis.Internal;

/// <summary>
/// A Lua script sent by its SHA-1 (<c>EVALSHA</c>), and by its text only when the server does not
/// know it yet (first use, after a restart or <c>SCRIPT FLUSH</c>). The client then never hashes
/// or looks up the script text on the hot path: a lock costs two of these calls.
/// </summary>
internal sealed class RedisScript(string text)
{
#pragma warning disable CA5350 // Redis names scripts by SHA-1; nothing here depends on it being collision-proof.
    private readonly byte[] _sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350

    public string Text => text;

    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] arguments)
    {
        try
        {
            return await database.ScriptEvaluateAsync(_sha1, keys, arguments);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(text, keys, arguments);
        }
    }
}

using DistKit.Server.Settings;

namespace DistKit.Server.Tests;

public sealed class SettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-settings-").FullName;

    private static NodeSettings Load(string? configFile = null, Dictionary<string, string?>? env = null, string? urls = null, string? dataDir = null) =>
        NodeSettingsLoader.Load(new NodeSettingsLoader.Flags { ConfigFile = configFile, Urls = urls, DataDir = dataDir }, env ?? []);

    private string WriteConfig(string json)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Load_Nothing_GivesLoopbackAndEmbeddedDefaults()
    {
        var settings = Load(configFile: WriteConfig("{}"));
        Assert.Equal("http://127.0.0.1:7070", settings.Urls);
        Assert.Equal("./data", settings.DataDir);
        Assert.Empty(settings.DistKit);
    }

    [Fact]
    public void Load_FileThenEnvironmentThenFlags_LaterSourceWins()
    {
        var file = WriteConfig("""{ "urls": "http://127.0.0.1:1001", "dataDir": "/from/file", "logLevel": "debug", "engines": { "redis": "file-redis:6379" } }""");
        var env = new Dictionary<string, string?> { ["DISTKIT_URLS"] = "http://127.0.0.1:1002", ["DISTKIT_DATA_DIR"] = "/from/env", ["DISTKIT_REDIS"] = "env-redis:6379" };

        var settings = Load(file, env, urls: "http://127.0.0.1:1003");

        Assert.Equal("http://127.0.0.1:1003", settings.Urls);
        Assert.Equal("/from/env", settings.DataDir);
        Assert.Equal("debug", settings.LogLevel);
        Assert.Equal("env-redis:6379", settings.Setting("Engines:Redis"));
    }

    [Theory]
    [InlineData("http://127.0.0.1:notaport", "urls")]
    [InlineData("ftp://127.0.0.1:21", "urls")]
    [InlineData("http://127.0.0.1:7070/sub/path", "urls")]
    [InlineData("http://0.0.0.0:7070", "tokens")]
    [InlineData("http://*:7070", "tokens")]
    public void Load_BadOrExposedUrls_NamesTheSetting(string urls, string setting)
    {
        var e = Assert.Throws<SettingsException>(() => Load(configFile: WriteConfig("{}"), urls: urls));
        Assert.Equal(setting, e.Setting);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Load_ExposedUrlsWithTokens_Starts()
    {
        var settings = Load(configFile: WriteConfig("""{ "tokens": ["a-long-enough-token-123"] }"""), urls: "http://0.0.0.0:7070");
        Assert.Single(settings.Tokens);
    }

    [Fact]
    public void Load_ShortToken_IsRefused()
    {
        var env = new Dictionary<string, string?> { ["DISTKIT_TOKENS"] = "short" };
        var e = Assert.Throws<SettingsException>(() => Load(configFile: WriteConfig("{}"), env: env));
        Assert.Equal("tokens", e.Setting);
    }

    [Theory]
    [InlineData("{ \"urlz\": \"x\" }", "unknown setting 'urlz'")]
    [InlineData("{ \"ids\": { \"wroker\": 3 } }", "unknown setting 'ids.wroker'; known in ids: worker, layout")]
    [InlineData("{ \"engines\": { \"redsi\": \"x\" } }", "unknown setting 'engines.redsi'")]
    [InlineData("{ \"capabilities\": { \"teleport\": \"embedded\" } }", "unknown setting 'capabilities.teleport'; known in capabilities: ids, locks")]
    [InlineData("{ \"locks\": { \"ttl\": [1] } }", "setting 'locks.ttl' has the wrong type")]
    [InlineData("{ \"urls\": 5 }", "setting 'urls' has the wrong type")]
    [InlineData("{ \"urls\": ", "not valid JSON")]
    public void Load_BadFile_SaysWhatIsWrongInOneLine(string json, string expected)
    {
        var e = Assert.Throws<SettingsException>(() => Load(configFile: WriteConfig(json)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Load_MissingConfigFile_IsAnError()
    {
        var e = Assert.Throws<SettingsException>(() => Load(configFile: Path.Combine(_dir, "absent.json")));
        Assert.Equal("config", e.Setting);
    }

    [Theory]
    [InlineData("{ \"logFormat\": \"xml\" }", "logFormat")]
    [InlineData("{ \"logLevel\": \"loud\" }", "logLevel")]
    public void Load_InvalidNodeValue_NamesTheSetting(string json, string setting)
    {
        var e = Assert.Throws<SettingsException>(() => Load(configFile: WriteConfig(json)));
        Assert.Equal(setting, e.Setting);
    }

    // The capabilities' and engines' settings are checked by the composition layer, as an app's are
    // at start; the node reports them under the same keys, with the variable a node user would set.
    [Theory]
    [InlineData("{ \"capabilities\": { \"locks\": \"redis\" } }", "Capabilities:Locks", "DISTKIT_REDIS")]
    [InlineData("{ \"capabilities\": { \"locks\": \"zookeeper\" } }", "Capabilities:Locks", "DISTKIT_LOCKS_ENGINE")]
    [InlineData("{ \"capabilities\": { \"locks\": \"redlock\" }, \"engines\": { \"redlock\": \" ; ; \" } }", "Capabilities:Locks", "DISTKIT_REDLOCK")]
    [InlineData("{ \"locks\": { \"ttl\": \"15x\" } }", "Locks:Ttl", "DISTKIT_LOCKS_TTL")]
    [InlineData("{ \"locks\": { \"ttl\": \"3s\", \"renewEvery\": \"5s\" } }", "Locks:RenewEvery", "DISTKIT_LOCKS_RENEW_EVERY")]
    [InlineData("{ \"ids\": { \"clockPolicy\": \"sometimes\" } }", "Ids:ClockPolicy", "DISTKIT_ID_CLOCK_POLICY")]
    [InlineData("{ \"ids\": { \"worker\": -1 } }", "Ids:Worker", "DISTKIT_ID_WORKER")]
    [InlineData("{ \"ids\": { \"layout\": \"nonsense\" } }", "Ids:Layout", "DISTKIT_ID_LAYOUT")]
    [InlineData("{ \"ids\": { \"segments\": \"postgres\" } }", "Ids:Segments", "DISTKIT_POSTGRES")]
    [InlineData("{ \"ids\": { \"segments\": \"etcd\" } }", "Ids:Segments", "DISTKIT_ID_SEGMENTS")]
    public void Load_InvalidCapabilityValue_NamesTheKeyAndItsVariable(string json, string setting, string variable)
    {
        var e = Assert.Throws<SettingsException>(() => Load(configFile: WriteConfig(json)));
        Assert.Equal(setting, e.Setting);
        Assert.Contains(variable, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Load_ModuleSettingFromEnvironment_IsCheckedAsFromTheFile()
    {
        var env = new Dictionary<string, string?> { ["DISTKIT_LOCKS_TTL"] = "soon" };
        var e = Assert.Throws<SettingsException>(() => Load(configFile: WriteConfig("{}"), env: env));
        Assert.Equal("Locks:Ttl", e.Setting);
    }

    [Fact]
    public void Load_ModuleSettings_FileThenEnvironment_AnyCase()
    {
        var file = WriteConfig("""{ "Locks": { "TTL": "20s" }, "ids": { "worker": 7, "clockPolicy": "fail" } }""");
        var env = new Dictionary<string, string?> { ["DISTKIT_ID_WORKER"] = "9" };
        var settings = Load(file, env);
        Assert.Equal("20s", settings.Setting("Locks:Ttl"));
        Assert.Equal("9", settings.Setting("Ids:Worker"));
        Assert.Equal("fail", settings.Setting("ids:clockpolicy"));
    }

    [Fact]
    public void With_AKeyTheNodeDoesNotHave_IsRefused() =>
        Assert.Throws<ArgumentException>(() => NodeSettings.Default.With("Locks:Tll", "5s"));

    [Fact]
    public void Load_EngineFromEnvironment_EmptyVariableCountsAsUnset()
    {
        var env = new Dictionary<string, string?> { ["DISTKIT_REDIS"] = "", ["DISTKIT_ETCD"] = "http://127.0.0.1:2379" };
        var settings = Load(configFile: WriteConfig("{}"), env: env);
        Assert.False(settings.IsConfigured("redis"));
        Assert.True(settings.IsConfigured("etcd"));
    }

    [Fact]
    public void Load_Redlock_FromEnvironment_ListsItsInstances_AndServesLocks()
    {
        var env = new Dictionary<string, string?> { ["DISTKIT_REDLOCK"] = "a:6379; b:6379;c:6379", ["DISTKIT_LOCKS_ENGINE"] = "redlock" };
        var settings = Load(configFile: WriteConfig("{}"), env: env);
        Assert.Equal("a:6379; b:6379;c:6379", settings.Setting("Engines:Redlock"));
        Assert.Equal("redlock", settings.Setting("Capabilities:Locks"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

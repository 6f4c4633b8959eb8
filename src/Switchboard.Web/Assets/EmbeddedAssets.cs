using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Switchboard.Web.Security;

namespace Switchboard.Web.Assets;

/// <summary>
/// The pages, styles and scripts compiled into this assembly (EmbeddedResource under wwwroot/), read once and
/// served from memory with an ETag. No static web assets pipeline and no files beside the dll.
/// </summary>
internal sealed class EmbeddedAssets
{
    private const string Prefix = "wwwroot/";
    private readonly FrozenDictionary<string, Asset> _assets;

    private EmbeddedAssets(FrozenDictionary<string, Asset> assets) => _assets = assets;

    public static EmbeddedAssets Load()
    {
        var assembly = typeof(EmbeddedAssets).Assembly;
        var types = new FileExtensionContentTypeProvider();
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var path = name[Prefix.Length..].Replace('\\', '/');
            var bytes = Read(assembly, name);
            if (!types.TryGetContentType(path, out var contentType))
            {
                contentType = "application/octet-stream";
            }

            if (contentType.StartsWith("text/", StringComparison.Ordinal) || path.EndsWith(".js", StringComparison.Ordinal) || path.EndsWith(".svg", StringComparison.Ordinal))
            {
                contentType += "; charset=utf-8";
            }

            var etag = "\"" + Convert.ToHexString(SHA256.HashData(bytes), 0, 8) + "\"";
            assets[path] = new Asset(bytes, contentType, etag);
        }

        return new EmbeddedAssets(assets.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public bool Contains(string path) => _assets.ContainsKey(path);

    public async Task ServeAsync(HttpContext context, string path)
    {
        if (!_assets.TryGetValue(path, out var asset))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var response = context.Response;
        SecurityHeaders.Apply(context);
        // Revalidate every time: the console is local and small, and a stale script after an upgrade is worse.
        response.Headers.CacheControl = "no-cache";
        response.Headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Bytes.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(asset.Bytes, context.RequestAborted);
        }
    }

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"missing resource {name}");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    private sealed record Asset(byte[] Bytes, string ContentType, string ETag);
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace AntiDistill.AspNetCore;

/// <summary>Source-generated serialization of the fallback problem body (trimming- and AOT-safe).</summary>
[JsonSerializable(typeof(ProblemDetails))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class RejectionJsonContext : JsonSerializerContext
{
}

// Creates the bridge's stream, or checks that an existing one has the settings the bridge relies on.
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace PusherWire.Bridge.Nats.Internal;

/// <summary>Start-up check of the stream (subjects, retention, storage, max age, duplicate window, replicas).</summary>
internal static class StreamSetup
{
    // JetStream's "stream not found" and "stream name already in use" error codes.
    private const int StreamNotFound = 10059;
    private const int StreamNameInUse = 10058;

    public static async Task EnsureAsync(INatsJSContext js, NatsStreamSettings settings, string subjectPrefix, CancellationToken cancellationToken)
    {
        string subjects = subjectPrefix + ".>";
        StreamConfig expected = new(settings.Name, [subjects])
        {
            Retention = settings.Retention,
            Storage = settings.Storage,
            MaxAge = settings.MaxAge,
            DuplicateWindow = settings.DuplicateWindow,
            NumReplicas = settings.Replicas,
        };

        INatsJSStream? existing = null;
        try
        {
            existing = await js.GetStreamAsync(settings.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error.ErrCode == StreamNotFound || e.Error.Code == 404)
        {
            if (!settings.CreateIfMissing)
            {
                throw new NatsBridgeException($"Stream '{settings.Name}' does not exist and Stream.CreateIfMissing is false; create it with subjects '{subjects}'.", e);
            }
        }
        catch (NatsJSException e)
        {
            throw new NatsBridgeException($"Stream '{settings.Name}' could not be read: {e.Message}", e);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new NatsBridgeException($"JetStream did not answer for stream '{settings.Name}' ({e.GetType().Name}: {e.Message}); is NATS running with JetStream enabled (nats-server -js)?", e);
        }

        if (existing is not null)
        {
            Check(settings, subjects, existing.Info.Config);
            return;
        }

        try
        {
            await js.CreateStreamAsync(expected, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error.ErrCode == StreamNameInUse)
        {
            // Another bridge created it between our look-up and create, with other settings (same settings succeed).
            INatsJSStream stream = await js.GetStreamAsync(settings.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            Check(settings, subjects, stream.Info.Config);
        }
        catch (NatsJSApiException e)
        {
            throw new NatsBridgeException($"Stream '{settings.Name}' could not be created: {e.Error.Description} (code {e.Error.ErrCode}).", e);
        }
    }

    internal static void Check(NatsStreamSettings settings, string subjects, StreamConfig actual)
    {
        var differences = new List<string>();
        ICollection<string> actualSubjects = actual.Subjects ?? [];
        if (!actualSubjects.Contains(subjects))
        {
            differences.Add($"subjects: stream has [{string.Join(", ", actualSubjects)}], bridge publishes on '{subjects}'");
        }

        Compare(differences, "retention", actual.Retention, settings.Retention);
        Compare(differences, "storage", actual.Storage, settings.Storage);
        Compare(differences, "max age", actual.MaxAge, settings.MaxAge);
        Compare(differences, "duplicate window", actual.DuplicateWindow, settings.DuplicateWindow);
        Compare(differences, "replicas", actual.NumReplicas, settings.Replicas);
        if (differences.Count > 0)
        {
            throw new NatsStreamMismatchException(settings.Name, differences);
        }
    }

    private static void Compare<T>(List<string> differences, string name, T actual, T expected)
    {
        if (!EqualityComparer<T>.Default.Equals(actual, expected))
        {
            differences.Add($"{name}: stream has {actual}, bridge expects {expected}");
        }
    }
}

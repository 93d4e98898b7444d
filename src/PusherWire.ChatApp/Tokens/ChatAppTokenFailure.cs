// Why a ChatApp token could not be obtained (ChatAppTokenException.Failure).
namespace PusherWire.ChatApp;

/// <summary>Why a ChatApp token could not be made, refreshed, checked or loaded.</summary>
public enum ChatAppTokenFailure
{
    /// <summary>No usable token pair and no <see cref="ChatAppCredentials"/> to make one.</summary>
    CredentialsMissing,

    /// <summary><c>tokens.make</c> refused the email, password or app id.</summary>
    CredentialsRefused,

    /// <summary>The refresh token has passed its end time and there are no credentials to make a new pair.</summary>
    RefreshTokenExpired,

    /// <summary><c>tokens.refresh</c> refused the refresh token and there are no credentials to make a new pair.</summary>
    RefreshTokenRefused,

    /// <summary>The token API answered an HTTP error other than a refusal (after the retries).</summary>
    HttpStatus,

    /// <summary>The token API's answer was not the expected JSON.</summary>
    InvalidResponse,

    /// <summary>The request failed at the network level or timed out (after the retries).</summary>
    Network,

    /// <summary>The token store could not be read or written.</summary>
    Store,
}

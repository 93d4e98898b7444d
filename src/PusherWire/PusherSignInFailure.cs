// Why a user sign-in failed (PusherSignInException.Failure).
namespace PusherWire;

/// <summary>Why a user sign-in failed.</summary>
public enum PusherSignInFailure
{
    /// <summary>The user auth endpoint answered with a non-success HTTP status (see <see cref="PusherSignInException.StatusCode"/>).</summary>
    HttpStatus,

    /// <summary>The endpoint's answer was not <c>{"auth","user_data"}</c> JSON, or too large.</summary>
    InvalidResponse,

    /// <summary>The endpoint or the server did not answer in time.</summary>
    Timeout,

    /// <summary>The request to the endpoint failed at the network level.</summary>
    Network,

    /// <summary>The server refused the sign-in (<c>pusher:error</c>, e.g. 4009).</summary>
    Refused,

    /// <summary><c>pusher:signin_success</c> carried <c>user_data</c> that is not JSON or has no non-empty string <c>id</c>.</summary>
    InvalidUserData,

    /// <summary>No authenticator is configured, or it failed in another way.</summary>
    Other,
}

package ftpgw.client;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/** A request body that tells a rank's progress how many bytes the HTTP client has taken from it. */
final class CountingBodyPublisher implements HttpRequest.BodyPublisher {
  private final HttpRequest.BodyPublisher body;
  private final ShareProgress progress;

  CountingBodyPublisher(HttpRequest.BodyPublisher body, ShareProgress progress) {
    this.body = body;
    this.progress = progress;
  }

  @Override
  public long contentLength() {
    return body.contentLength();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    body.subscribe(
        new Flow.Subscriber<>() {
          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            subscriber.onSubscribe(subscription);
          }

          @Override
          public void onNext(ByteBuffer item) {
            progress.sent(item.remaining());
            subscriber.onNext(item);
          }

          @Override
          public void onError(Throwable throwable) {
            subscriber.onError(throwable);
          }

          @Override
          public void onComplete() {
            subscriber.onComplete();
          }
        });
  }
}

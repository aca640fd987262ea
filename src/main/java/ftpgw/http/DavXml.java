package ftpgw.http;

import ftpgw.transfer.Failure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * WebDAV request bodies: read (bounded), parsed without DTDs or external entities, and small XML
 * helpers.
 */
final class DavXml {
  static final String DAV = "DAV:";

  /** WebDAV bodies are property names and lock requests: small. */
  static final int MAX_BODY_BYTES = 1 << 20;

  private DavXml() {}

  /**
   * The request's body (the request was paused by the first route), refused past {@link
   * #MAX_BODY_BYTES}.
   */
  static Future<Buffer> body(HttpServerRequest request) {
    if (request.isEnded()) {
      return Future.succeededFuture(Buffer.buffer());
    }
    Promise<Buffer> body = Promise.promise();
    Buffer buffer = Buffer.buffer();
    request.handler(
        chunk -> {
          buffer.appendBuffer(chunk);
          if (buffer.length() > MAX_BODY_BYTES) {
            request.pause();
            body.tryFail(
                Failure.TOO_LARGE.exception(
                    "a WebDAV body is at most " + MAX_BODY_BYTES + " bytes"));
          }
        });
    request.endHandler(v -> body.tryComplete(buffer));
    request.exceptionHandler(body::tryFail);
    request.resume();
    return body.future();
  }

  /** The parsed body, or null when it is empty; 400 when it is not well-formed XML. */
  static Document parse(Buffer body) {
    if (body.length() == 0) {
      return null;
    }
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setExpandEntityReferences(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      builder.setErrorHandler(null);
      return builder.parse(new ByteArrayInputStream(body.getBytes()));
    } catch (Exception e) {
      throw Failure.BAD_REQUEST.exception("the body is not well-formed XML: " + e.getMessage());
    }
  }

  /** Child elements of {@code parent} (whitespace and comments skipped). */
  static List<Element> children(Node parent) {
    List<Element> elements = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        elements.add(e);
      }
    }
    return elements;
  }

  static Element child(Node parent, String davName) {
    return children(parent).stream().filter(e -> is(e, davName)).findFirst().orElse(null);
  }

  static boolean is(Element element, String davName) {
    return DAV.equals(element.getNamespaceURI()) && davName.equals(element.getLocalName());
  }

  /** {@code {namespace}name}: how a property is keyed. */
  static String key(Element element) {
    String ns = element.getNamespaceURI();
    return "{" + (ns == null ? "" : ns) + "}" + element.getLocalName();
  }

  /** The element itself as XML text (namespace declarations it needs included). */
  static String serialize(Element element) {
    try {
      Transformer transformer = TransformerFactory.newInstance().newTransformer();
      transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      StringWriter out = new StringWriter();
      transformer.transform(new DOMSource(element), new StreamResult(out));
      return out.toString();
    } catch (Exception e) {
      throw Failure.BAD_REQUEST.exception(
          "cannot keep the property " + key(element) + ": " + e.getMessage());
    }
  }

  /** An empty element for the property {@code {ns}name}, with its own namespace declaration. */
  static String emptyElement(String key) {
    int close = key.indexOf('}');
    String ns = key.substring(1, close);
    String name = key.substring(close + 1);
    return ns.isEmpty()
        ? "<" + name + " xmlns=\"\"/>"
        : "<x:" + name + " xmlns:x=\"" + escape(ns) + "\"/>";
  }

  static String escape(String text) {
    return Listings.escape(text);
  }
}

package ftpgw.ftpserver;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.apache.ftpserver.ftplet.Authentication;
import org.apache.ftpserver.ftplet.AuthenticationFailedException;
import org.apache.ftpserver.ftplet.Authority;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.User;
import org.apache.ftpserver.ftplet.UserManager;
import org.apache.ftpserver.usermanager.UsernamePasswordAuthentication;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.ConcurrentLoginPermission;
import org.apache.ftpserver.usermanager.impl.ConcurrentLoginRequest;
import org.apache.ftpserver.usermanager.impl.WritePermission;

/**
 * The embedded server's users: those of the users file (salted hashes, homes relative to the server
 * root) plus the relay's in-memory account, which is never written anywhere. Anonymous login is
 * never accepted.
 */
final class GatewayUserManager implements UserManager {
  private final UserManager fileUsers;
  private final FtpAccount relayAccount;
  private final Path root;
  private final int maxLogins;
  private final int maxLoginsPerIp;

  /**
   * @param fileUsers users from the users file, or null
   * @param relayAccount the relay's account, or null
   * @param maxLogins sessions a file user may hold at once, unless its own entry sets a limit
   * @param maxLoginsPerIp sessions a file user may hold from one address, unless its own entry sets
   *     a limit
   */
  GatewayUserManager(
      UserManager fileUsers,
      FtpAccount relayAccount,
      Path root,
      int maxLogins,
      int maxLoginsPerIp) {
    this.fileUsers = fileUsers;
    this.relayAccount = relayAccount;
    this.root = root.toAbsolutePath().normalize();
    this.maxLogins = maxLogins;
    this.maxLoginsPerIp = maxLoginsPerIp;
  }

  @Override
  public User getUserByName(String name) throws FtpException {
    if (isRelay(name)) {
      return relayUser();
    }
    return fileUsers == null ? null : jailed(fileUsers.getUserByName(name));
  }

  @Override
  public String[] getAllUserNames() throws FtpException {
    List<String> names =
        new ArrayList<>(fileUsers == null ? List.of() : List.of(fileUsers.getAllUserNames()));
    if (relayAccount != null) {
      names.add(relayAccount.name());
    }
    return names.toArray(String[]::new);
  }

  @Override
  public void delete(String name) throws FtpException {
    throw new FtpException("users are managed in the users file, not over FTP");
  }

  @Override
  public void save(User user) throws FtpException {
    throw new FtpException("users are managed in the users file, not over FTP");
  }

  @Override
  public boolean doesExist(String name) throws FtpException {
    return isRelay(name) || (fileUsers != null && fileUsers.doesExist(name));
  }

  @Override
  public User authenticate(Authentication authentication) throws AuthenticationFailedException {
    if (!(authentication instanceof UsernamePasswordAuthentication login)) {
      throw new AuthenticationFailedException("only user name and password logins are accepted");
    }
    if (isRelay(login.getUsername())) {
      if (constantTimeEquals(relayAccount.password().reveal(), login.getPassword())) {
        return relayUser();
      }
      throw new AuthenticationFailedException("Authentication failed");
    }
    if (fileUsers == null) {
      throw new AuthenticationFailedException("Authentication failed");
    }
    try {
      return jailed(fileUsers.authenticate(authentication));
    } catch (FtpException e) {
      throw new AuthenticationFailedException("Authentication failed");
    }
  }

  @Override
  public String getAdminName() {
    return "";
  }

  @Override
  public boolean isAdmin(String name) {
    return false;
  }

  private boolean isRelay(String name) {
    return relayAccount != null && relayAccount.name().equals(name);
  }

  private User relayUser() {
    BaseUser user = new BaseUser();
    user.setName(relayAccount.name());
    user.setHomeDirectory(root.toString());
    user.setEnabled(true);
    user.setAuthorities(
        List.<Authority>of(new WritePermission(), new ConcurrentLoginPermission(0, 0)));
    return user;
  }

  /**
   * A home given relative in the users file lives under the server root; a login limit the entry
   * leaves at 0 (unlimited) takes the server's.
   */
  private User jailed(User user) {
    if (user == null) {
      return null;
    }
    BaseUser copy = new BaseUser(user);
    String home = user.getHomeDirectory() == null ? user.getName() : user.getHomeDirectory();
    copy.setHomeDirectory(root.resolve(home).normalize().toString());
    ConcurrentLoginRequest own = new ConcurrentLoginRequest(0, 0);
    List<Authority> authorities = new ArrayList<>();
    for (Authority authority : user.getAuthorities()) {
      if (authority instanceof ConcurrentLoginPermission) {
        authority.authorize(own);
      } else {
        authorities.add(authority);
      }
    }
    authorities.add(
        new ConcurrentLoginPermission(
            own.getMaxConcurrentLogins() > 0 ? own.getMaxConcurrentLogins() : maxLogins,
            own.getMaxConcurrentLoginsPerIP() > 0
                ? own.getMaxConcurrentLoginsPerIP()
                : maxLoginsPerIp));
    copy.setAuthorities(authorities);
    return copy;
  }

  private static boolean constantTimeEquals(String expected, String given) {
    return given != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }
}

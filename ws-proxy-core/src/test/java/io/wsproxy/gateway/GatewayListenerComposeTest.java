package io.wsproxy.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayListenerComposeTest {

  /** A listener that records "name method" for every event, and throws if told to. */
  private static GatewayListener recording(String name, List<String> seen, boolean fail) {
    return (GatewayListener) Proxy.newProxyInstance(GatewayListener.class.getClassLoader(),
        new Class<?>[] {GatewayListener.class}, (proxy, method, args) -> {
          seen.add(name + " " + method.getName());
          if (fail) {
            throw new IllegalStateException("boom");
          }
          return null;
        });
  }

  private static Object[] defaults(Method m) {
    return Arrays.stream(m.getParameterTypes())
        .map(t -> t == int.class ? (Object) 0 : null).toArray();
  }

  @Test
  void composingWithNoneAnswersTheOtherListener() {
    GatewayListener a = new GatewayListener() {};
    assertSame(a, GatewayListener.compose(a, GatewayListener.NONE));
    assertSame(a, GatewayListener.compose(GatewayListener.NONE, a));
  }

  @Test
  void everyEventOfTheInterfaceReachesBothInOrderEvenWhenTheFirstThrows() throws Exception {
    // every method the interface declares, so an event added later cannot be forgotten here
    List<Method> events = Arrays.stream(GatewayListener.class.getDeclaredMethods())
        .filter(m -> !Modifier.isStatic(m.getModifiers())).toList();
    assertEquals(8, events.size(), "the events this test knows of: " + events);
    List<String> seen = new ArrayList<>();
    GatewayListener both = GatewayListener.compose(recording("first", seen, true),
        recording("second", seen, false));
    for (Method m : events) {
      seen.clear();
      InvocationTargetException thrown = assertThrows(InvocationTargetException.class,
          () -> m.invoke(both, defaults(m)));
      assertEquals(IllegalStateException.class, thrown.getCause().getClass());
      assertEquals(List.of("first " + m.getName(), "second " + m.getName()), seen);
    }
  }

  @Test
  void nullListenersAreRefusedByName() {
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> GatewayListener.compose(null, GatewayListener.NONE));
    assertEquals("first", e.getMessage());
  }
}

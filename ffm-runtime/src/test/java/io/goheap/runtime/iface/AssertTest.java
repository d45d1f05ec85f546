package io.goheap.runtime.iface;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.gosrc.GoModule;
import io.goheap.runtime.image.Linker;
import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.NativeMemoryTest;
import io.goheap.runtime.types.PackageImage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AssertTest extends NativeMemoryTest {
    @Test
    void assertionsAndTypeSwitchesOverShapes() throws Exception {
        try (GoRuntime rt = GoRuntime.start(1)) {
            Linker l = rt.link(PackageImage.compileAll(GoModule.load(NativeDir.get().resolve("fixtures/shapes"))));
            Assert a = rt.asserts();
            long stringer = l.address("type.main.Stringer");
            long shape = l.address("type.main.Shape");
            long point = l.address("type.main.Point");
            long celsius = l.address("type.main.Celsius");
            long ptrPoint = l.address("type.*main.Point");
            // any(Point{}).(Stringer) finds the static itab
            assertEquals(l.address("go.itab.main.Point,main.Stringer"), a.assertE2I(stringer, point));
            assertEquals(0, a.assertE2I2(shape, celsius));
            assertEquals("interface conversion: interface is nil, not main.Stringer",
                    assertThrows(TypeAssertionError.Nil.class, () -> a.assertE2I(stringer, 0)).getMessage());
            // Shape(&Point{}).(Stringer): I2I through getitab for (*Point, Stringer)
            long shapeTab = l.address("go.itab.*main.Point,main.Shape");
            long s = a.assertI2I(stringer, shapeTab);
            assertEquals(s, rt.itabs().table().find(stringer, ptrPoint), "getitab built and added (*Point, Stringer)");
            assertEquals(shapeTab, a.assertI2I(shape, shapeTab), "same interface: the itab itself");
            assertEquals(0, a.assertI2I2(l.address("type.main.IncValuer"), shapeTab));
            // switch s.(type) { case Celsius: case Point: } on the static itab of Point
            long pointTab = l.address("go.itab.main.Point,main.Stringer");
            assertEquals(1, a.typeSwitchI(pointTab, celsius, point));
            assertEquals(-1, a.typeSwitchI(pointTab, celsius));
            assertEquals(0, a.typeSwitchE(celsius, celsius, point));
            assertEquals(-1, a.typeSwitchE(0, celsius));
            Assert.TypeSwitch sw = a.typeSwitch(celsius, point);
            assertEquals(1, sw.onIface(pointTab), "the compiled switch agrees");
            assertEquals(0, sw.onEface(celsius));
            assertEquals(-1, sw.onEface(0));
            assertEquals(-1, a.typeSwitch(celsius).onIface(pointTab));
        }
    }
}
